import fc from 'fast-check';
import { request as httpRequest, type Agent } from 'node:http';

/** Member names that many CodePipeline request shapes share: fuzzed bodies use them so that they reach validation. */
export const REQUEST_MEMBER_NAMES = [
  'name',
  'pipeline',
  'stages',
  'actions',
  'actionTypeId',
  'category',
  'owner',
  'provider',
  'version',
  'maxResults',
  'nextToken',
  'resourceArn',
  'tags',
] as const;

/** What a raw JSON 1.1 call answered. */
export interface RawJsonAnswer {
  readonly status: number;
  readonly body: string;
}

/**
 * One raw AWS JSON 1.1 POST (`x-amz-target: target`) with its own 5 s deadline, so that a hang fails the
 * property that sent it instead of the whole suite.
 *
 * @example
 * const answer = await postJson11(local.endpoint, agent, 'CodePipeline_20150709.ListPipelines', '{}');
 */
export function postJson11(url: string, agent: Agent, target: string, body: string): Promise<RawJsonAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' },
        timeout: 5_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within 5 s for ${target}`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Random JSON values for fuzzing request bodies: one of `leaves`, or (small, nested) arrays of up to 4
 * values and objects of up to 5 members whose names come from `keys`.
 *
 * @example
 * const body = fuzzJsonValue(fc.constantFrom('name', 'pipeline'), [fc.string(), fc.integer(), fc.constant(null)]);
 */
export function fuzzJsonValue(
  keys: fc.Arbitrary<string>,
  leaves: fc.Arbitrary<unknown>[],
): fc.Arbitrary<unknown> {
  return fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      ...leaves,
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(keys, tie('value'), { maxKeys: 5 }),
    ),
  })).value;
}
