import {
  GetPipelineCommand,
  GetPipelineStateCommand,
  StartPipelineExecutionCommand,
  UpdatePipelineCommand,
} from '@aws-sdk/client-codepipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actionsOf,
  createPipeline,
  invoke,
  startEngineTestServer,
  waitForExecution,
} from '../helpers/engine-e2e.js';
import type { TestLocalServer } from '../helpers/local-server.js';

let local: TestLocalServer;

beforeAll(async () => {
  local = await startEngineTestServer({ source: 'v1' });
  await createPipeline(local.client, 'upd', [
    {
      name: 'Build',
      actions: [
        invoke('Slow', 'slow-succeed', {
          configuration: { FunctionName: 'slow-succeed', UserParameters: '600' },
        }),
        invoke('After', 'succeed', { runOrder: 2 }),
      ],
    },
    { name: 'Deploy', actions: [invoke('Run', 'succeed')] },
  ]);
});
afterAll(async () => local?.stop());

describe('UpdatePipeline while an execution is in progress (e2e)', () => {
  it('lets the running action finish, then ends the old-version execution Cancelled; the next one runs v2', async () => {
    // Prepare
    const id = (await local.client.send(new StartPipelineExecutionCommand({ name: 'upd' })))
      .pipelineExecutionId!;
    await waitForExecution(local.client, 'upd', id, 10_000, () => true);
    for (let i = 0; i < 200; i++) {
      const state = await local.client.send(new GetPipelineStateCommand({ name: 'upd' }));
      if (state.stageStates?.[1]?.actionStates?.[0]?.latestExecution?.status === 'InProgress') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    // Act
    const { pipeline } = await local.client.send(new GetPipelineCommand({ name: 'upd' }));
    await local.client.send(new UpdatePipelineCommand({ pipeline }));
    const cancelled = await waitForExecution(local.client, 'upd', id);
    const actions = await actionsOf(local.client, 'upd', id);
    const state = await local.client.send(new GetPipelineStateCommand({ name: 'upd' }));
    const next = (await local.client.send(new StartPipelineExecutionCommand({ name: 'upd' })))
      .pipelineExecutionId!;
    const nextDone = await waitForExecution(local.client, 'upd', next);
    // Assess
    expect(cancelled.status).toBe('Cancelled');
    expect(cancelled.statusSummary).toContain('updated to version 2');
    expect(actions.Slow.status).toBe('Succeeded');
    expect(actions.After).toBeUndefined();
    expect(state.stageStates?.[1]?.latestExecution).toMatchObject({
      pipelineExecutionId: id,
      status: 'Cancelled',
    });
    expect(nextDone).toMatchObject({ status: 'Succeeded', pipelineVersion: 2 });
  });
});
