import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPolicyHandler } from '../../../../../lambdas/handlers/approval-policy/index.js';
import { captureOutput } from '../../../../helpers/capture-stdout.js';
import { startJsonRecorder, type JsonRecorder } from '../../../../helpers/json-recorder.js';
import { codePipelineClient } from '../../../../helpers/local-server.js';

const TOKEN = 'b1c2d3e4-0000-4000-8000-0000000000aa';
const EXECUTION = 'aaaaaaaa-1111-2222-3333-bbbbbbbbbbbb';
const event = JSON.parse(
  readFileSync(
    new URL('../../../../fixtures/events/eventbridge/action-started-approval.json', import.meta.url),
    'utf8',
  ),
);
const POLICY = JSON.stringify({
  timeZone: 'Europe/Berlin',
  rules: [
    { name: 'year-end freeze', type: 'freeze', from: '2026-12-20', to: '2027-01-02' },
    { name: 'hotfix', type: 'variable', variable: 'RELEASE_KIND', equals: 'hotfix' },
    {
      name: 'office hours',
      type: 'window',
      days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'],
      from: '09:00',
      to: '17:00',
    },
  ],
});

let service: JsonRecorder;
let actionStatus: string;
let releaseKind: string;

beforeAll(async () => {
  service = await startJsonRecorder();
});
afterAll(() => service.close());
beforeEach(() => {
  service.requests.length = 0;
  actionStatus = 'InProgress';
  releaseKind = 'feature';
  service.respondWith((req) => {
    switch (req.target) {
      case 'CodePipeline_20150709.GetPipelineState':
        return {
          body: {
            pipelineName: 'deploy',
            stageStates: [
              {
                stageName: 'Gate',
                latestExecution: { pipelineExecutionId: EXECUTION, status: 'InProgress' },
                actionStates: [
                  { actionName: 'Review', latestExecution: { status: actionStatus, token: TOKEN } },
                ],
              },
            ],
          },
        };
      case 'CodePipeline_20150709.GetPipelineExecution':
        return {
          body: {
            pipelineExecution: {
              pipelineName: 'deploy',
              pipelineExecutionId: EXECUTION,
              variables: [{ name: 'RELEASE_KIND', resolvedValue: releaseKind }],
            },
          },
        };
      case 'CodePipeline_20150709.PutApprovalResult':
        if (actionStatus !== 'InProgress') {
          return { status: 400, body: { __type: 'ApprovalAlreadyCompletedException', message: 'done' } };
        }
        actionStatus = req.body.result.status === 'Approved' ? 'Succeeded' : 'Failed';
        return { body: { approvedAt: 1 } };
      case 'AmazonSSM.GetParameter':
        return { body: { Parameter: { Name: req.body.Name, Type: 'String', Value: POLICY, Version: 1 } } };
      default:
        return { status: 400, body: { __type: 'UnknownOperationException' } };
    }
  });
});

async function run(iso: string, env: NodeJS.ProcessEnv = { POLICY }, input: unknown = event) {
  const client = codePipelineClient(service.url);
  const handle = createPolicyHandler({
    client: () => client,
    now: () => new Date(iso),
    env,
    retryDelayMs: 1,
  });
  const out = captureOutput();
  try {
    return { result: await handle(input), logs: out.text() };
  } finally {
    out.restore();
  }
}

describe('Function: createPolicyHandler (approval-policy)', () => {
  it('approves inside the change window with a summary naming the rule, and never logs the token', async () => {
    // Act
    const { result, logs } = await run('2026-11-23T08:30:00Z');
    // Assess
    expect(result).toMatchObject({ outcome: 'approved', rule: 'office hours' });
    const put = service.requests.find((r) => r.operation === 'PutApprovalResult');
    expect(put?.body).toEqual({
      pipelineName: 'deploy',
      stageName: 'Gate',
      actionName: 'Review',
      token: TOKEN,
      result: {
        status: 'Approved',
        summary:
          'Approved by policy rule "office hours": Mon 09:30 (Europe/Berlin) is inside Mon,Tue,Wed,Thu,Fri 09:00-17:00',
      },
    });
    expect(logs).toContain('Policy decided the approval');
    expect(logs).not.toContain(TOKEN);
  });

  it('rejects during the freeze', async () => {
    // Act
    const { result } = await run('2026-12-24T10:00:00Z');
    // Assess
    expect(result).toMatchObject({ outcome: 'rejected', rule: 'year-end freeze' });
    expect(service.byOperation('PutApprovalResult')[0].body.result.summary).toMatch(
      /^Rejected by policy rule "year-end freeze": 2026-12-24/,
    );
  });

  it('reads variables of the event execution and approves a hotfix on a weekend', async () => {
    // Prepare
    releaseKind = 'hotfix';
    // Act
    const { result } = await run('2026-11-28T12:00:00Z');
    // Assess
    expect(result).toMatchObject({ outcome: 'approved', rule: 'hotfix' });
    expect(service.byOperation('GetPipelineExecution')[0].body).toEqual({
      pipelineName: 'deploy',
      pipelineExecutionId: EXECUTION,
    });
  });

  it('leaves the approval to people outside every rule', async () => {
    // Act
    const { result } = await run('2026-11-28T12:00:00Z');
    // Assess
    expect(result.outcome).toBe('left-to-people');
    expect(service.byOperation('PutApprovalResult')).toHaveLength(0);
  });

  it('treats a second delivery of the event as already decided', async () => {
    // Act
    await run('2026-11-23T08:30:00Z');
    const second = await run('2026-11-23T08:30:00Z');
    // Assess
    expect(second.result.outcome).toBe('already-decided');
    expect(service.byOperation('PutApprovalResult')).toHaveLength(1);
  });

  it('reads the policy from an SSM parameter with a signed GetParameter', async () => {
    // Act
    const { result } = await run('2026-11-23T08:30:00Z', {
      POLICY_PARAMETER: '/cpkit/approval-policy',
      AWS_ENDPOINT_URL_SSM: service.url,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
    });
    // Assess
    expect(result.outcome).toBe('approved');
    const ssm = service.requests.find((r) => r.target === 'AmazonSSM.GetParameter');
    expect(ssm?.body).toEqual({ Name: '/cpkit/approval-policy', WithDecryption: true });
    expect(ssm?.headers.authorization).toMatch(/\/eu-west-1\/ssm\/aws4_request/);
  });

  it('never decides with a broken policy, and ignores other actions and states', async () => {
    // Act
    const broken = await run('2026-11-23T08:30:00Z', {
      POLICY: '{"rules":[{"name":"x","type":"window","from":"9"}]}',
    });
    const succeeded = await run(
      '2026-11-23T08:30:00Z',
      { POLICY },
      { ...event, detail: { ...event.detail, state: 'SUCCEEDED' } },
    );
    // Assess
    expect(broken.result.outcome).toBe('invalid-policy');
    expect(broken.logs).toContain('Approval policy unusable');
    expect(succeeded.result.outcome).toBe('ignored');
    expect(service.byOperation('PutApprovalResult')).toHaveLength(0);
  });
});
