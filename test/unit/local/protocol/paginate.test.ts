import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../../../local/errors.js';
import { decodeNextToken, encodeNextToken, pageByKey } from '../../../../local/protocol/paginate.js';

function errorOf(fn: () => unknown): ServiceError {
  try {
    fn();
  } catch (err) {
    return err as ServiceError;
  }
  throw new Error('expected an error');
}

describe('Function: encodeNextToken', () => {
  it('round-trips a position', () => {
    // Act
    const token = encodeNextToken('ListPipelines', { after: 'b' });

    // Assess
    expect(decodeNextToken('ListPipelines', token)).toEqual({ after: 'b' });
  });

  it('rejects a tampered token or one of another operation with the declared error', () => {
    // Prepare
    const token = encodeNextToken('ListPipelines', { after: 'b' });
    const tampered =
      encodeNextToken('ListPipelines', { after: 'c' }).split('.')[0] + '.' + token.split('.')[1];

    // Act
    const a = errorOf(() => decodeNextToken('ListPipelines', tampered));
    const b = errorOf(() => decodeNextToken('ListPipelineExecutions', token));
    const c = errorOf(() => decodeNextToken('ListPipelines', 'garbage'));

    // Assess
    expect([a.type, b.type, c.type]).toEqual([
      'InvalidNextTokenException',
      'InvalidNextTokenException',
      'InvalidNextTokenException',
    ]);
  });

  it('answers ValidationException where the operation declares no InvalidNextTokenException', () => {
    // Act (PollForJobs has no InvalidNextTokenException in the model)
    const err = errorOf(() => decodeNextToken('PollForJobs', 'garbage'));

    // Assess
    expect(err.type).toBe('ValidationException');
  });
});

describe('Function: pageByKey', () => {
  it('pages through keyed items without repeating or skipping after a delete', () => {
    // Prepare
    const items = ['a', 'b', 'c', 'd', 'e'];

    // Act
    const first = pageByKey('ListPipelines', items, (x) => x, undefined, 2);
    const rest = items.filter((x) => x !== 'b'); // 'b' deleted between calls
    const second = pageByKey('ListPipelines', rest, (x) => x, first.nextToken, 2);
    const third = pageByKey('ListPipelines', rest, (x) => x, second.nextToken, 2);

    // Assess
    expect(first.items).toEqual(['a', 'b']);
    expect(second.items).toEqual(['c', 'd']);
    expect(third).toEqual({ items: ['e'], nextToken: undefined });
  });
});
