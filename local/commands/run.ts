import {
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  StartPipelineExecutionCommand,
  type CodePipelineClient,
  type StageState,
} from '@aws-sdk/client-codepipeline';
import type { Command } from 'commander';
import { Listr } from 'listr2';
import { DEFAULT_ENDPOINT, describeSdkError, localCodePipelineClient } from './client.js';

interface RunFlags {
  endpoint: string;
  wait: boolean;
  variable?: string[];
  pollMs: string;
}

const ENDED = new Set(['Succeeded', 'Failed', 'Stopped', 'Superseded', 'Cancelled']);
const STAGE_ENDED = new Set(['Succeeded', 'Failed', 'Stopped', 'Cancelled', 'Skipped']);

function parseVariables(values: readonly string[] = []): { name: string; value: string }[] {
  return values.map((v) => {
    const i = v.indexOf('=');
    if (i <= 0) throw new Error(`--variable must be name=value, got '${v}'`);
    return { name: v.slice(0, i), value: v.slice(i + 1) };
  });
}

function actionLine(stage: StageState | undefined): string {
  return (stage?.actionStates ?? [])
    .map(
      (a) =>
        `${a.actionName}: ${a.latestExecution?.status ?? 'not started'}${a.latestExecution?.summary ? ` (${a.latestExecution.summary})` : ''}`,
    )
    .join('\n');
}

/** Follows one execution stage by stage with listr2 until it ends; returns its final status and summary. */
async function follow(client: CodePipelineClient, pipeline: string, id: string, pollMs: number) {
  const sleep = () => new Promise((r) => setTimeout(r, pollMs));
  let finished: { status: string; summary?: string } | undefined;
  const poll = async () => {
    const [{ pipelineExecution }, state] = await Promise.all([
      client.send(new GetPipelineExecutionCommand({ pipelineName: pipeline, pipelineExecutionId: id })),
      client.send(new GetPipelineStateCommand({ name: pipeline })),
    ]);
    if (ENDED.has(pipelineExecution!.status!)) {
      finished = { status: pipelineExecution!.status!, summary: pipelineExecution!.statusSummary };
    }
    return state;
  };
  const initial = await poll();
  const tasks = new Listr(
    (initial.stageStates ?? []).map((s) => ({
      title: s.stageName!,
      task: async (_ctx: unknown, task: { output: string; title: string; skip(message?: string): void }) => {
        for (;;) {
          const state = await poll();
          const stage = state.stageStates?.find((x) => x.stageName === s.stageName);
          const mine = stage?.latestExecution?.pipelineExecutionId === id;
          if (mine) task.output = actionLine(stage);
          if (mine && STAGE_ENDED.has(stage!.latestExecution!.status!)) {
            if (stage!.latestExecution!.status === 'Succeeded') return;
            const failing = stage!.actionStates?.find(
              (a) => a.latestExecution?.status === 'Failed' || a.latestExecution?.status === 'Abandoned',
            );
            throw new Error(
              failing
                ? `${failing.actionName}: ${failing.latestExecution?.errorDetails?.message ?? failing.latestExecution?.summary ?? failing.latestExecution?.status}`
                : `stage ${stage!.latestExecution!.status}`,
            );
          }
          if (finished && !mine) return task.skip(`${s.stageName} (execution ${finished.status})`);
          if (finished && mine && !STAGE_ENDED.has(stage!.latestExecution!.status!)) return;
          await sleep();
        }
      },
    })),
    {
      concurrent: false,
      exitOnError: true,
      rendererOptions: { collapseSubtasks: false },
      fallbackRenderer: 'simple',
    },
  );
  try {
    await tasks.run();
  } catch {
    // the failing stage is reported from the execution below
  }
  while (!finished) {
    await poll();
    if (!finished) await sleep();
  }
  return finished;
}

async function run(pipeline: string, flags: RunFlags): Promise<void> {
  const client = localCodePipelineClient(flags.endpoint);
  try {
    const variables = parseVariables(flags.variable);
    const { pipelineExecutionId } = await client.send(
      new StartPipelineExecutionCommand({ name: pipeline, ...(variables.length ? { variables } : {}) }),
    );
    if (!flags.wait) {
      process.stdout.write(`${pipelineExecutionId}\n`);
      return;
    }
    process.stdout.write(`execution ${pipelineExecutionId} of ${pipeline} started\n`);
    const result = await follow(client, pipeline, pipelineExecutionId!, Number(flags.pollMs));
    if (result.status === 'Succeeded') {
      process.stdout.write(`execution ${pipelineExecutionId} Succeeded\n`);
      return;
    }
    process.stderr.write(
      `execution ${pipelineExecutionId} ${result.status}${result.summary ? `: ${result.summary}` : ''}\n`,
    );
    process.exitCode = 1;
  } catch (err) {
    process.stderr.write(`cpkit run: ${describeSdkError(err)}\n`);
    process.exitCode = 1;
  } finally {
    client.destroy();
  }
}

/**
 * Registers `cpkit run <pipeline>`: starts an execution, shows live progress per stage until it ends, exits 0 on
 * success and 1 with the failing action's message otherwise; `--no-wait` prints the execution id and returns.
 *
 * @example
 * registerRunCommand(program); // cpkit run my-pipeline --endpoint http://127.0.0.1:4566
 */
export function registerRunCommand(program: Command): Command {
  return program
    .command('run <pipeline>')
    .description('start a pipeline execution on the local engine and follow it until it ends')
    .option(
      '--endpoint <url>',
      'engine URL (default: CPKIT_ENDPOINT, else http://127.0.0.1:4566)',
      DEFAULT_ENDPOINT,
    )
    .option('--no-wait', 'print the execution id and return at once')
    .option('--variable <name=value...>', 'pipeline variable overrides (V2)')
    .option('--poll-ms <ms>', 'how often to poll the engine', '250')
    .action((pipeline: string, flags: RunFlags) => run(pipeline, flags));
}
