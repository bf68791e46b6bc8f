import {
  GetPipelineExecutionCommand,
  ListActionExecutionsCommand,
  PutApprovalResultCommand,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-codepipeline';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../../../../local/engine/clock.js';
import type { ArtifactStore } from '../../../../../local/s3/artifact-store.js';
import { parseApprovalMessage } from '../../../../../lambdas/toolkit/approval-message.js';
import { approvalState, eventually } from '../../../../helpers/approval-e2e.js';
import { createPipeline, putSource } from '../../../../helpers/engine-e2e.js';
import {
  removeDir,
  repoRoot,
  startTestServer,
  tempDir,
  type TestLocalServer,
} from '../../../../helpers/local-server.js';
import { memoryArtifactStore } from '../../../../helpers/memory-artifact-store.js';

const START = Date.parse('2026-11-23T10:00:00Z');
const servers: TestLocalServer[] = [];
const dirs: string[] = [];

afterEach(async () => {
  while (servers.length) await servers.pop()!.stop();
  while (dirs.length) removeDir(dirs.pop()!);
});

async function start(dataDir: string, clock: ReturnType<typeof manualClock>, recordFile: string) {
  const local = await startTestServer({
    dataDir,
    functions: [
      {
        name: 'recorder',
        bundle: join(repoRoot, 'test', 'fixtures', 'handlers', 'record-event.mjs'),
        handler: 'handler',
        timeoutSeconds: 5,
        memoryMB: 128,
        environment: { RECORD_FILE: recordFile },
      },
    ],
    engine: {
      clock,
      startOnCreate: false,
      lambdaRetryDelaysMs: [10, 10],
      subscriptions: [{ topic: 'arn:aws:sns:us-east-1:000000000000:gate', function: 'recorder' }],
    },
  });
  servers.push(local);
  local.services.artifacts ??= memoryArtifactStore();
  await putSource(local.services.artifacts as ArtifactStore, 'source.zip', 'bytes');
  return local;
}

async function approvalPipeline(local: TestLocalServer, name: string, timeoutInMinutes?: number) {
  await createPipeline(local.client, name, [
    {
      name: 'Gate',
      actions: [
        {
          name: 'Review',
          actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' },
          configuration: {
            NotificationArn: 'arn:aws:sns:us-east-1:000000000000:gate',
            CustomData: 'look first',
          },
          ...(timeoutInMinutes ? { timeoutInMinutes } : {}),
        },
      ],
    },
  ]);
  const { pipelineExecutionId } = await local.client.send(new StartPipelineExecutionCommand({ name }));
  const waiting = await eventually(async () => {
    const s = await approvalState(local.client, name);
    return s?.status === 'InProgress' && s.token ? s : undefined;
  });
  return { id: pipelineExecutionId!, token: waiting.token! };
}

function recorded(file: string): any[] {
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
}

describe('Class: ManualApprovalRunner', () => {
  it('publishes the approval message to subscribed functions and fails the action at timeoutInMinutes', async () => {
    // Prepare
    const dir = tempDir();
    dirs.push(dir);
    const clock = manualClock(START);
    const record = join(dir, 'sns.jsonl');
    const local = await start(join(dir, 'data'), clock, record);
    const { id, token } = await approvalPipeline(local, 'times-out', 5);
    // Act
    const [event] = await eventually(() => (recorded(record).length ? recorded(record) : undefined));
    clock.advance(5 * 60_000 - 1);
    const before = await approvalState(local.client, 'times-out');
    clock.advance(1);
    const after = await eventually(async () => {
      const s = await approvalState(local.client, 'times-out');
      return s?.status === 'Failed' ? s : undefined;
    });
    const late = await local.client
      .send(
        new PutApprovalResultCommand({
          pipelineName: 'times-out',
          stageName: 'Gate',
          actionName: 'Review',
          token,
          result: { status: 'Approved', summary: 'too late' },
        }),
      )
      .catch((e: Error) => e.name);
    const { pipelineExecution } = await local.client.send(
      new GetPipelineExecutionCommand({ pipelineName: 'times-out', pipelineExecutionId: id }),
    );
    // Assess
    expect(event.Records[0].Sns).toMatchObject({
      Type: 'Notification',
      TopicArn: 'arn:aws:sns:us-east-1:000000000000:gate',
      Subject: 'APPROVAL NEEDED: AWS CodePipeline times-out for stage Gate action Review',
    });
    const message = parseApprovalMessage(event);
    expect(message.expiresText).toBe('2026-11-23T10:05Z');
    expect(message.approval).toMatchObject({ token, customData: 'look first', pipelineName: 'times-out' });
    expect(message.approval.approvalReviewLink).toBe(
      `https://console.aws.amazon.com/codepipeline/home?region=us-east-1#/view/times-out/Gate/Review/approve/${token}`,
    );
    expect(before).toMatchObject({ status: 'InProgress', token });
    expect(after.errorDetails?.message).toMatch(/^The approval request expired/);
    expect(late).toBe('InvalidApprovalTokenException');
    expect(pipelineExecution?.status).toBe('Failed');
  });

  it('decides each waiting run of a PARALLEL pipeline by its own token (externalExecutionId)', async () => {
    // Prepare
    const dir = tempDir();
    dirs.push(dir);
    const local = await start(join(dir, 'data'), manualClock(START), join(dir, 'sns.jsonl'));
    await createPipeline(
      local.client,
      'parallel',
      [
        {
          name: 'Gate',
          actions: [
            {
              name: 'Review',
              actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' },
            },
          ],
        },
      ],
      { executionMode: 'PARALLEL' },
    );
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      ids.push(
        (await local.client.send(new StartPipelineExecutionCommand({ name: 'parallel' })))
          .pipelineExecutionId!,
      );
    }
    const tokenOf = (id: string) =>
      eventually(async () => {
        const { actionExecutionDetails } = await local.client.send(
          new ListActionExecutionsCommand({ pipelineName: 'parallel', filter: { pipelineExecutionId: id } }),
        );
        const review = actionExecutionDetails?.find(
          (d) => d.actionName === 'Review' && d.status === 'InProgress',
        );
        return review?.output?.executionResult?.externalExecutionId;
      });
    const [first, second] = [await tokenOf(ids[0]), await tokenOf(ids[1])];
    // Act
    await local.client.send(
      new PutApprovalResultCommand({
        pipelineName: 'parallel',
        stageName: 'Gate',
        actionName: 'Review',
        token: first,
        result: { status: 'Approved', summary: 'first only' },
      }),
    );
    const status = async (id: string) =>
      (
        await local.client.send(
          new GetPipelineExecutionCommand({ pipelineName: 'parallel', pipelineExecutionId: id }),
        )
      ).pipelineExecution?.status;
    const firstDone = await eventually(async () =>
      (await status(ids[0])) === 'Succeeded' ? 'Succeeded' : undefined,
    );
    // Assess
    expect(first).not.toBe(second);
    expect(firstDone).toBe('Succeeded');
    expect(await status(ids[1])).toBe('InProgress');
  });

  it('keeps the token and the 7-day default deadline across a restart', async () => {
    // Prepare
    const dir = tempDir();
    dirs.push(dir);
    const record = join(dir, 'sns.jsonl');
    const first = await start(join(dir, 'data'), manualClock(START), record);
    const { token } = await approvalPipeline(first, 'survives');
    const [event] = await eventually(() => (recorded(record).length ? recorded(record) : undefined));
    await servers.pop()!.stop();
    // Act
    const clock = manualClock(START + 60_000);
    const second = await start(join(dir, 'data'), clock, record);
    const resumed = await approvalState(second.client, 'survives');
    clock.advance(7 * 24 * 60 * 60_000);
    const expired = await eventually(async () => {
      const s = await approvalState(second.client, 'survives');
      return s?.status === 'Failed' ? s : undefined;
    });
    // Assess
    expect(parseApprovalMessage(event).expiresText).toBe('2026-11-30T10:00Z');
    expect(resumed).toMatchObject({ status: 'InProgress', token });
    expect(expired.errorDetails?.message).toMatch(/expired/);
  });
});
