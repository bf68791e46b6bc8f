import { randomUUID } from 'node:crypto';
import { updateActionRun, type ActionRunRow } from '../../store/action-run-repo.js';
import { describeError, type ActionRunner, type RunnerContext } from './runner.js';

/** What `--simulate Provider=<outcome>` makes an action of that provider do. */
export type SimulatedOutcome = 'succeed' | 'fail';

/**
 * Parses `--simulate` values: `Provider=succeed` or `Provider=fail`, repeatable or comma-separated
 * (e.g. `--simulate CodeBuild=succeed,CloudFormation=succeed`).
 *
 * @example
 * parseSimulate(['CodeBuild=succeed']); // { CodeBuild: 'succeed' }
 */
export function parseSimulate(values: readonly string[]): Record<string, SimulatedOutcome> {
  const out: Record<string, SimulatedOutcome> = {};
  for (const item of values.flatMap((v) => v.split(','))) {
    const trimmed = item.trim();
    if (!trimmed) continue;
    const m = /^([A-Za-z0-9_-]+)=(succeed|fail)$/.exec(trimmed);
    if (!m) throw new Error(`--simulate: expected Provider=succeed or Provider=fail, got "${trimmed}"`);
    out[m[1]] = m[2] as SimulatedOutcome;
  }
  return out;
}

/**
 * Ends actions of providers that cannot run locally the way the user opted in to with `--simulate`,
 * marking them as simulated in the summary. Output artifacts are written as empty zip files so later
 * actions find them.
 *
 * @example
 * new SimulatedRunner(ctx, 'succeed').start(actionRun);
 */
export class SimulatedRunner implements ActionRunner {
  constructor(
    private readonly ctx: RunnerContext,
    private readonly outcome: SimulatedOutcome,
  ) {}

  start(run: ActionRunRow): void {
    void this.run(run);
  }

  resume(run: ActionRunRow): void {
    void this.run(run);
  }

  private async run(run: ActionRunRow): Promise<void> {
    const summary = `Simulated locally (--simulate ${run.provider}=${this.outcome}): ${run.category}/${run.owner}/${run.provider} did not run`;
    if (this.outcome === 'succeed') {
      try {
        for (const output of run.outputArtifacts) {
          await this.ctx.artifacts.writeObject(output.bucket, output.key, EMPTY_ZIP);
        }
      } catch (err) {
        const message = `Writing the output artifacts of the simulated action failed: ${describeError(err)}`;
        this.ctx.commit(() => {
          this.ctx.complete(run.id, {
            status: 'Failed',
            errorCode: 'JobFailed',
            errorMessage: message,
            summary: message,
          });
        });
        return;
      }
    }
    this.ctx.commit(() => {
      this.ctx.complete(
        run.id,
        this.outcome === 'succeed'
          ? { status: 'Succeeded', summary, simulated: true, outputVariables: {} }
          : { status: 'Failed', summary, errorCode: 'JobFailed', errorMessage: summary, simulated: true },
      );
    });
  }
}

/** An empty zip archive (end-of-central-directory record only). */
const EMPTY_ZIP = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]);

/**
 * Fails actions of providers the local engine cannot run, with a message that says how to opt in to simulation.
 *
 * @example
 * new NotEmulatedRunner(ctx).start(actionRun);
 */
export class NotEmulatedRunner implements ActionRunner {
  constructor(private readonly ctx: RunnerContext) {}

  start(run: ActionRunRow): void {
    const message =
      `${run.category}/${run.owner}/${run.provider} actions are not emulated locally; ` +
      (run.category === 'Source'
        ? `start the engine with --source-dir ${run.provider}=DIR to read this source from a local folder, or `
        : 'start the engine with ') +
      `--simulate ${run.provider}=succeed to mark them as succeeded (simulated)`;
    this.ctx.commit(() => {
      this.ctx.complete(run.id, {
        status: 'Failed',
        errorCode: 'ConfigurationError',
        errorMessage: message,
        summary: message,
      });
    });
  }

  resume(run: ActionRunRow): void {
    this.start(run);
  }
}

/**
 * Leaves Custom, third-party and Manual approval actions InProgress: their executors (job workers through
 * PollForJobs, PutApprovalResult) come with the custom-action and approval modules. Approvals get their token.
 *
 * @example
 * new WaitingRunner(ctx).start(actionRun);
 */
export class WaitingRunner implements ActionRunner {
  constructor(private readonly ctx: RunnerContext) {}

  start(run: ActionRunRow): void {
    // the action stays InProgress until its executor reports; an approval gets its token now
    if (run.category === 'Approval' && !run.token) {
      this.ctx.commit(() =>
        updateActionRun(this.ctx.db, run.id, { token: randomUUID() }, this.ctx.clock.now()),
      );
    }
  }

  resume(): void {
    // nothing to do
  }
}
