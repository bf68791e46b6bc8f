import { GetPipelineStateCommand, type GetPipelineStateOutput } from '@aws-sdk/client-codepipeline';
import type { Command } from 'commander';
import { DEFAULT_ENDPOINT, describeSdkError, localCodePipelineClient } from './client.js';

interface StateFlags {
  endpoint: string;
  json?: boolean;
}

/** Human-readable GetPipelineState: one line per stage, one indented line per action. */
export function formatPipelineState(state: GetPipelineStateOutput): string {
  const lines = [`${state.pipelineName} (version ${state.pipelineVersion})`];
  for (const stage of state.stageStates ?? []) {
    const t = stage.inboundTransitionState;
    const gate =
      t && !t.enabled ? ` [transition disabled${t.disabledReason ? `: ${t.disabledReason}` : ''}]` : '';
    const waiting = stage.inboundExecutions?.length ? ` [${stage.inboundExecutions.length} waiting]` : '';
    const latest = stage.latestExecution
      ? `${stage.latestExecution.status} ${stage.latestExecution.pipelineExecutionId}`
      : 'never run';
    lines.push(`${stage.stageName}: ${latest}${gate}${waiting}`);
    for (const action of stage.actionStates ?? []) {
      const e = action.latestExecution;
      const detail = e?.errorDetails?.message ?? e?.summary;
      lines.push(`  ${action.actionName}: ${e?.status ?? 'not run'}${detail ? ` - ${detail}` : ''}`);
    }
  }
  return lines.join('\n') + '\n';
}

async function state(pipeline: string, flags: StateFlags): Promise<void> {
  const client = localCodePipelineClient(flags.endpoint);
  try {
    const out = await client.send(new GetPipelineStateCommand({ name: pipeline }));
    const { $metadata: _metadata, ...body } = out;
    process.stdout.write(flags.json ? JSON.stringify(body, null, 2) + '\n' : formatPipelineState(body));
  } catch (err) {
    process.stderr.write(`cpkit state: ${describeSdkError(err)}\n`);
    process.exitCode = 1;
  } finally {
    client.destroy();
  }
}

/**
 * Registers `cpkit state <pipeline> [--json]`.
 *
 * @example
 * registerStateCommand(program); // cpkit state my-pipeline --json
 */
export function registerStateCommand(program: Command): Command {
  return program
    .command('state <pipeline>')
    .description("print a pipeline's state (GetPipelineState) from the local engine")
    .option(
      '--endpoint <url>',
      'engine URL (default: CPKIT_ENDPOINT, else http://127.0.0.1:4566)',
      DEFAULT_ENDPOINT,
    )
    .option('--json', 'print the GetPipelineState response as JSON')
    .action((pipeline: string, flags: StateFlags) => state(pipeline, flags));
}
