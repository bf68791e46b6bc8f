import type { ConfigurationSpec } from './job-worker-config.js';
import { JobWorker, type JobWorkerOptions } from './job-worker.js';

/** Options of {@link runJobWorker}. */
export interface RunJobWorkerOptions<
  TSpec extends ConfigurationSpec | undefined = undefined,
  TState = unknown,
> extends JobWorkerOptions<TSpec, TState> {
  /**
   * Signals that stop the worker gracefully (stop polling, finish or fail in-flight jobs); `[]` to handle
   * shutdown yourself.
   * @default ['SIGTERM', 'SIGINT']
   */
  readonly stopOn?: readonly NodeJS.Signals[];
}

/** A started long-running worker. */
export interface RunningJobWorker<TSpec extends ConfigurationSpec | undefined, TState> {
  readonly worker: JobWorker<TSpec, TState>;
  /** Resolves once the worker stopped and every in-flight job was reported. */
  readonly stopped: Promise<void>;
  /** Stops the worker (as a signal would). */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Runs a job worker on a server (long-running mode): polls until SIGTERM/SIGINT, then shuts down
 * gracefully. The library form of `cpkit worker`.
 *
 * @example
 * ```ts
 * const { stopped } = runJobWorker({
 *   actionType: { category: 'Test', provider: 'SecretScan', version: '1' },
 *   concurrency: 4,
 *   run: async (job) => ({ summary: `done ${job.id}` }),
 * });
 * await stopped;
 * ```
 */
export function runJobWorker<TSpec extends ConfigurationSpec | undefined = undefined, TState = unknown>(
  options: RunJobWorkerOptions<TSpec, TState>,
): RunningJobWorker<TSpec, TState> {
  const worker = new JobWorker<TSpec, TState>(options);
  const signals = options.stopOn ?? ['SIGTERM', 'SIGINT'];
  let stopping: Promise<void> | undefined;
  const stop = (graceMs?: number) => {
    stopping ??= worker.stop(graceMs).finally(() => {
      for (const s of signals) process.off(s, onSignal);
    });
    return stopping;
  };
  const onSignal = () => void stop();
  for (const s of signals) process.on(s, onSignal);
  const loop = worker.start();
  const stopped = loop.then(() => stop());
  return { worker, stopped, stop };
}
