import fc from 'fast-check';
import { request as httpRequest, Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emittableErrorTypes } from '../../local/protocol/errors.js';
import { operationNames } from '../../local/protocol/service-model.js';
import { startTestServer, type TestLocalServer } from '../helpers/local-server.js';

interface Answer {
  status: number;
  body: string;
}

/** One raw POST with its own deadline: a hang fails the property instead of the suite. */
function post(url: string, agent: Agent, target: string, body: string): Promise<Answer> {
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

const KNOWN = new Set(emittableErrorTypes());
const OPS = operationNames();

/** Random JSON values biased towards the member names of the model. */
const memberNames = fc.constantFrom(
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
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ maxLength: 20 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(memberNames, fc.string({ maxLength: 8 })), tie('value'), { maxKeys: 5 }),
  ),
})).value;

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

  function assertSane(answer: Answer): void {
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
        assertSane(await post(local.endpoint, agent, `CodePipeline_20150709.${op}`, JSON.stringify(body)));
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
        assertSane(await post(local.endpoint, agent, safeTarget, body));
      }),
      { numRuns: 200 },
    );
    // the fuzz reached every layer of the protocol
    expect([...seen.keys()]).toEqual(
      expect.arrayContaining(['SerializationException', 'UnknownOperationException', 'ValidationException']),
    );
  });
});
