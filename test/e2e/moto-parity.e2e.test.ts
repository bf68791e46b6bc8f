import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestLocalServer } from '../helpers/local-server.js';
import { validPipeline } from '../helpers/pipeline-fixtures.js';

/** One JSON 1.1 (or IAM query) call; a fresh connection each time because moto closes it after every response. */
function call(
  port: number,
  service: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        agent: false,
        headers: {
          authorization: `AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
          'x-amz-date': '20250101T000000Z',
          ...headers,
        },
      },
      (res) => {
        let data = '';
        res.on('data', (d: Buffer) => (data += d.toString()));
        res.on('end', () => {
          let json: any;
          try {
            json = data ? JSON.parse(data) : {};
          } catch {
            json = { raw: data };
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const op = (port: number, operation: string, input: unknown) =>
  call(port, 'codepipeline', JSON.stringify(input), {
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': `CodePipeline_20150709.${operation}`,
  });

const outcome = (r: { status: number; json: any }) =>
  r.status === 200
    ? '200'
    : `${r.status} ${String(r.json.__type ?? '')
        .split('#')
        .pop()}`;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

let moto: ChildProcess;
let motoPort: number;
let local: TestLocalServer;
let localPort: number;
const MOTO_ACCOUNT = '123456789012';
const ROLE = `arn:aws:iam::${MOTO_ACCOUNT}:role/cp-role`;

beforeAll(async () => {
  motoPort = await freePort();
  moto = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(motoPort)], {
    stdio: 'ignore',
  });
  for (let i = 0; ; i++) {
    try {
      await call(motoPort, 'sts', '', {});
      break;
    } catch (e) {
      if (i > 100) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'codepipeline.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  });
  const form = new URLSearchParams({
    Action: 'CreateRole',
    Version: '2010-05-08',
    RoleName: 'cp-role',
    AssumeRolePolicyDocument: trust,
  });
  const role = await call(motoPort, 'iam', form.toString(), {
    'content-type': 'application/x-www-form-urlencoded',
  });
  expect(role.status).toBe(200);
  local = await startTestServer();
  localPort = local.port;
});

afterAll(async () => {
  moto?.kill('SIGTERM');
  await local?.stop();
});

/**
 * Each case: operation, input (ARNs built per target), our expected outcome, and where moto differs
 * its outcome (documented in docs/moto-differences.md with the AWS reference that says which is right).
 */
type Case = { name: string; op: string; input: (account: string) => unknown; ours: string; moto?: string };
const pipeline = (name: string, patch = {}) => ({ ...validPipeline(name, patch), roleArn: ROLE });
const arn = (account: string, name: string) => `arn:aws:codepipeline:us-east-1:${account}:${name}`;
const cases: Case[] = [
  { name: 'create valid', op: 'CreatePipeline', input: () => ({ pipeline: pipeline('par-1') }), ours: '200' },
  {
    name: 'create taken name',
    op: 'CreatePipeline',
    input: () => ({ pipeline: pipeline('par-1') }),
    ours: '400 PipelineNameInUseException',
    moto: '400 InvalidStructureException',
  },
  {
    name: 'create one stage',
    op: 'CreatePipeline',
    input: () => ({ pipeline: pipeline('par-2', { stages: validPipeline().stages!.slice(0, 1) }) }),
    ours: '400 InvalidStructureException',
  },
  {
    name: 'create unknown action type',
    op: 'CreatePipeline',
    input: () => ({
      pipeline: {
        ...pipeline('par-3'),
        stages: [
          validPipeline().stages![0],
          {
            name: 'X',
            actions: [
              {
                name: 'A',
                actionTypeId: { category: 'Invoke', owner: 'AWS', provider: 'Nope', version: '1' },
              },
            ],
          },
        ],
      },
    }),
    ours: '400 InvalidActionDeclarationException',
    moto: '200',
  },
  {
    name: 'create input never produced',
    op: 'CreatePipeline',
    input: () => ({
      pipeline: {
        ...pipeline('par-4'),
        stages: [
          validPipeline().stages![0],
          {
            name: 'X',
            actions: [
              {
                name: 'A',
                actionTypeId: { category: 'Invoke', owner: 'AWS', provider: 'Lambda', version: '1' },
                configuration: { FunctionName: 'f' },
                inputArtifacts: [{ name: 'Nowhere' }],
              },
            ],
          },
        ],
      },
    }),
    ours: '400 InvalidStructureException',
    moto: '200',
  },
  {
    name: 'create bad name pattern',
    op: 'CreatePipeline',
    input: () => ({ pipeline: pipeline('bad name') }),
    ours: '400 ValidationException',
    moto: '200',
  },
  { name: 'get', op: 'GetPipeline', input: () => ({ name: 'par-1' }), ours: '200' },
  {
    name: 'get missing',
    op: 'GetPipeline',
    input: () => ({ name: 'missing' }),
    ours: '400 PipelineNotFoundException',
  },
  {
    name: 'get unknown version',
    op: 'GetPipeline',
    input: () => ({ name: 'par-1', version: 9 }),
    ours: '400 PipelineVersionNotFoundException',
    moto: '200',
  },
  {
    name: 'update',
    op: 'UpdatePipeline',
    input: () => ({ pipeline: pipeline('par-1', { version: 1 }) }),
    ours: '200',
  },
  {
    name: 'update stale version',
    op: 'UpdatePipeline',
    input: () => ({ pipeline: pipeline('par-1', { version: 1 }) }),
    ours: '400 InvalidStructureException',
    moto: '200',
  },
  {
    name: 'update missing',
    op: 'UpdatePipeline',
    input: () => ({ pipeline: pipeline('missing') }),
    ours: '400 InvalidStructureException',
    moto: '400 ResourceNotFoundException',
  },
  { name: 'list', op: 'ListPipelines', input: () => ({}), ours: '200' },
  {
    name: 'tag',
    op: 'TagResource',
    input: (a) => ({ resourceArn: arn(a, 'par-1'), tags: [{ key: 'k', value: 'v' }] }),
    ours: '200',
  },
  {
    name: 'tag aws: key',
    op: 'TagResource',
    input: (a) => ({ resourceArn: arn(a, 'par-1'), tags: [{ key: 'aws:k', value: 'v' }] }),
    ours: '400 InvalidTagsException',
  },
  {
    name: 'tag 51 tags',
    op: 'TagResource',
    input: (a) => ({
      resourceArn: arn(a, 'par-1'),
      tags: Array.from({ length: 51 }, (_, i) => ({ key: `t${i}`, value: '' })),
    }),
    ours: '400 TooManyTagsException',
  },
  {
    name: 'tag missing resource',
    op: 'TagResource',
    input: (a) => ({ resourceArn: arn(a, 'missing'), tags: [{ key: 'k', value: 'v' }] }),
    ours: '400 ResourceNotFoundException',
  },
  {
    name: 'list tags',
    op: 'ListTagsForResource',
    input: (a) => ({ resourceArn: arn(a, 'par-1') }),
    ours: '200',
  },
  {
    name: 'untag',
    op: 'UntagResource',
    input: (a) => ({ resourceArn: arn(a, 'par-1'), tagKeys: ['k'] }),
    ours: '200',
  },
  { name: 'delete', op: 'DeletePipeline', input: () => ({ name: 'par-1' }), ours: '200' },
  { name: 'delete missing', op: 'DeletePipeline', input: () => ({ name: 'par-1' }), ours: '200' },
];

describe('Parity with moto for the operations it implements', () => {
  it('answers the same status and error type, except for the documented differences', async () => {
    const rows: string[] = [];
    for (const c of cases) {
      const ours = outcome(await op(localPort, c.op, c.input(local.context.accountId)));
      const theirs = outcome(await op(motoPort, c.op, c.input(MOTO_ACCOUNT)));
      rows.push(`${c.name}: ours ${ours}, moto ${theirs}`);
      expect.soft(ours, c.name).toBe(c.ours);
      expect.soft(theirs, `moto: ${c.name}`).toBe(c.moto ?? c.ours);
    }
    expect(rows).toHaveLength(cases.length);
  });
});
