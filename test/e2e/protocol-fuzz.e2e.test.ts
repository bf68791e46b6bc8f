import fc from 'fast-check';
import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emittableErrorTypes } from '../../local/protocol/errors.js';
import { operationNames } from '../../local/protocol/service-model.js';
import { startTestServer, type TestLocalServer } from '../helpers/local-server.js';
import {
  REQUEST_MEMBER_NAMES,
  fuzzJsonValue,
  postJson11,
  type RawJsonAnswer,
} from '../helpers/raw-json-fuzz.js';

const KNOWN = new Set(emittableErrorTypes());
const OPS = operationNames();

/** Random JSON values biased towards the member names of the model. */
const memberNames = fc.constantFrom(
  ...REQUEST_MEMBER_NAMES,
  'key',
  'value',
  'pipelineName',
  'stageName',
  'jobId',
  'nonce',
  'token',
  'result',
  'status',
  'webhook',
  'filters',
  'configuration',
  'runOrder',
);
const jsonValue = fuzzJsonValue(fc.oneof(memberNames, fc.string({ maxLength: 8 })), [
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
]);

describe('Property: the JSON protocol never fails badly', () => {
  let local: TestLocalServer;
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const seen = new Map<string, number>();

  beforeAll(async () => {
    local = await startTestServer();
  });
  afterAll(async () => {
    agent.destroy();
    await local.stop();
  });

  function assertSane(answer: RawJsonAnswer): void {
    expect(answer.status).toBeLessThan(500);
    if (answer.status >= 400) {
      const parsed = JSON.parse(answer.body) as { __type: string; message: string };
      expect(KNOWN.has(parsed.__type), parsed.__type).toBe(true);
      expect(typeof parsed.message).toBe('string');
      seen.set(parsed.__type, (seen.get(parsed.__type) ?? 0) + 1);
    } else {
      expect(() => JSON.parse(answer.body) as unknown).not.toThrow();
    }
  }

  it('answers random JSON bodies of every operation with 2xx or a modeled/common error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...OPS), jsonValue, async (op, body) => {
        assertSane(
          await postJson11(local.endpoint, agent, `CodePipeline_20150709.${op}`, JSON.stringify(body)),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('answers mutated raw bodies and targets the same way', async () => {
    const mutatedBody = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom(
        '{',
        '[',
        '{"name":',
        '{"name":"a"',
        'null',
        '""',
        '{"name":"a"}}',
        '\u0000',
        '{"a":1e999}',
      ),
      fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
    );
    const target = fc.oneof(
      fc.constantFrom(...OPS).map((op) => `CodePipeline_20150709.${op}`),
      fc.string({ maxLength: 30 }).map((s) => `CodePipeline_20150709.${s}`),
      fc.constantFrom('', 'CodePipeline_20150709', 'CodePipeline_20150709.', 'DynamoDB_20120810.ListTables'),
    );
    await fc.assert(
      fc.asyncProperty(target, mutatedBody, async (t, body) => {
        // header values must be valid HTTP tokens; other characters are the client's problem
        const safeTarget = t.replace(/[^\x21-\x7e]/g, '_');
        assertSane(await postJson11(local.endpoint, agent, safeTarget, body));
      }),
      { numRuns: 200 },
    );
    // the fuzz reached every layer of the protocol
    expect([...seen.keys()]).toEqual(
      expect.arrayContaining(['SerializationException', 'UnknownOperationException', 'ValidationException']),
    );
  });
});
