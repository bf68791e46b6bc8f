import {
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  type CodePipelineClient,
} from '@aws-sdk/client-codepipeline';

/** One row of the demo's summary table. */
export interface SummaryRow {
  readonly stage: string;
  readonly action: string;
  readonly status: string;
  readonly durationMs: number | undefined;
  readonly summary: string;
}

/**
 * Watches an execution: calls `onChange(stage, action, status, detail)` whenever an action's status changes,
 * and `onTick(state)` on every poll, until the execution ends. Returns the final status.
 */
export async function watchExecution(args: {
  client: CodePipelineClient;
  pipelineName: string;
  executionId: string;
  intervalMs: number;
  timeoutMs: number;
  onChange: (stage: string, action: string, status: string, detail: string) => void;
  onTick?: () => Promise<void>;
}): Promise<string> {
  const { client, pipelineName, executionId } = args;
  const seen = new Map<string, string>();
  const deadline = Date.now() + args.timeoutMs;
  for (;;) {
    const state = await client.send(new GetPipelineStateCommand({ name: pipelineName }));
    for (const stage of state.stageStates ?? []) {
      for (const action of stage.actionStates ?? []) {
        const latest = action.latestExecution;
        if (!latest?.status || stage.latestExecution?.pipelineExecutionId !== executionId) continue;
        const key = `${stage.stageName}/${action.actionName}`;
        const detail = latest.errorDetails?.message ?? latest.summary ?? '';
        const signature = `${latest.status}|${detail}`;
        if (seen.get(key) !== signature) {
          seen.set(key, signature);
          args.onChange(stage.stageName!, action.actionName!, latest.status, detail);
        }
      }
    }
    const execution = await client.send(
      new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId: executionId }),
    );
    const status = execution.pipelineExecution?.status ?? 'Unknown';
    if (!['InProgress', 'Stopping'].includes(status)) return status;
    if (Date.now() > deadline) throw new Error(`${pipelineName} did not finish within ${args.timeoutMs} ms`);
    await args.onTick?.();
    await new Promise((r) => setTimeout(r, args.intervalMs));
  }
}

/** The summary of an execution, one row per action in pipeline order. */
export async function executionSummary(
  client: CodePipelineClient,
  pipelineName: string,
  executionId: string,
): Promise<SummaryRow[]> {
  const out = await client.send(
    new ListActionExecutionsCommand({ pipelineName, filter: { pipelineExecutionId: executionId } }),
  );
  const rows = (out.actionExecutionDetails ?? [])
    .slice()
    .sort((a, b) => (a.startTime?.getTime() ?? 0) - (b.startTime?.getTime() ?? 0))
    .map((d) => ({
      stage: d.stageName ?? '',
      action: d.actionName ?? '',
      status: d.status ?? '',
      durationMs:
        d.startTime && d.lastUpdateTime ? d.lastUpdateTime.getTime() - d.startTime.getTime() : undefined,
      summary: d.output?.executionResult?.externalExecutionSummary ?? '',
    }));
  return rows;
}

/** Renders rows as a plain-text table. */
export function formatTable(rows: readonly SummaryRow[]): string {
  const cells = [
    ['STAGE', 'ACTION', 'STATUS', 'DURATION', 'SUMMARY'],
    ...rows.map((r) => [
      r.stage,
      r.action,
      r.status,
      r.durationMs === undefined ? '-' : `${(r.durationMs / 1000).toFixed(1)} s`,
      r.summary.replace(/\s+/g, ' ').slice(0, 90),
    ]),
  ];
  const widths = cells[0].map((_, i) => Math.max(...cells.map((c) => c[i].length)));
  return cells
    .map((c) =>
      c
        .map((v, i) => v.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
