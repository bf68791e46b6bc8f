import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JobReportValidationError, limits, truncateWithMarker } from '../../../../lambdas/toolkit/index.js';
import {
  buildSuccessInput,
  decodeContinuationState,
  encodeContinuationState,
} from '../../../../lambdas/toolkit/report.js';

const RUNS = { numRuns: 300 };

describe('Function: truncateWithMarker', () => {
  it('keeps short texts, and cuts long ones to the limit with the marker, never splitting a surrogate pair', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        fc.integer({ min: 20, max: 200 }),
        (text, max) => {
          const out = truncateWithMarker(text, max);
          if (text.length <= max) return out === text;
          const kept = out.slice(0, -limits.TRUNCATION_MARKER.length);
          const last = kept.charCodeAt(kept.length - 1);
          return (
            out.length <= max &&
            out.endsWith(limits.TRUNCATION_MARKER) &&
            text.startsWith(kept) &&
            !(last >= 0xd800 && last <= 0xdbff)
          );
        },
      ),
      RUNS,
    );
  });
});

describe('Function: buildSuccessInput', () => {
  it('accepts output variables exactly when every key matches the pattern and the total fits 122,880 bytes', () => {
    const key = fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9@\-_]{1,12}$/),
      fc.string({ minLength: 1, maxLength: 6 }),
    );
    const value = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constant('x'.repeat(40_000)),
      fc.constant('é'.repeat(20_000)),
    );
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 5 }), (vars) => {
        const entries = Object.entries(vars);
        const keysOk = entries.every(([k]) => /^[A-Za-z0-9@\-_]+$/.test(k));
        const bytes = entries.reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
        const expectOk = keysOk && bytes <= limits.OUTPUT_VARIABLES_MAX_BYTES;
        try {
          const input = buildSuccessInput('job', { outputVariables: vars });
          return expectOk && JSON.stringify(input.outputVariables) === JSON.stringify(vars);
        } catch (err) {
          return !expectOk && err instanceof JobReportValidationError;
        }
      }),
      RUNS,
    );
  });

  it('keeps an output variable named __proto__ (it matches the key pattern)', () => {
    const vars = JSON.parse('{"__proto__":"v","ok":"1"}') as Record<string, string>;
    const input = buildSuccessInput('job', { outputVariables: vars });
    expect(JSON.stringify(input.outputVariables)).toBe('{"__proto__":"v","ok":"1"}');
  });

  it('leaves executionDetails out when there is nothing to say', () => {
    expect(buildSuccessInput('job', {})).toEqual({ jobId: 'job' });
    expect(buildSuccessInput('job', { summary: '' })).toEqual({ jobId: 'job' });
  });
});

describe('Function: encodeContinuationState', () => {
  it('round-trips any JSON state that fits, and refuses what does not', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (state) => {
        let token: string;
        try {
          token = encodeContinuationState(state);
        } catch (err) {
          return (
            err instanceof JobReportValidationError &&
            JSON.stringify(state).length > limits.CONTINUATION_TOKEN_MAX_CHARS
          );
        }
        return (
          token.length <= limits.CONTINUATION_TOKEN_MAX_CHARS &&
          JSON.stringify(decodeContinuationState(token)) === JSON.stringify(state)
        );
      }),
      RUNS,
    );
  });
});
