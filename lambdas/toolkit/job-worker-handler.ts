import { Logger } from '@aws-lambda-powertools/logger';
import type { ConfigurationSpec } from './job-worker-config.js';
import type { JobContext } from './job-run.js';
import { JobWorker, type JobWorkerOptions, type JobWorkerStats } from './job-worker.js';
import { parseActionExecutionStateChange } from './pipeline-events.js';

/** Options of {@link createJobWorkerHandler}: a worker's options, minus what the invocation decides. */
export interface JobWorkerHandlerOptions<
  TSpec extends ConfigurationSpec | undefined = undefined,
  TState = unknown,
> extends Omit<JobWorkerOptions<TSpec, TState>, 'context' | 'idleBackoff'> {
  /**
   * Polls again this many times when a poll finds nothing (the job can trail its event by a moment).
   * @default 2
   */
  readonly emptyPollRetries?: number;
  /** Wait between those polls. @default 1000 */
  readonly emptyPollDelayMs?: number;
  /**
   * Stop taking new jobs when the invocation has less than this left (jobs already running report
   * before the timeout through the toolkit's timeout guard).
   * @default 10000
   */
  readonly minRemainingMsForNewJob?: number;
}

/** What one invocation did. */
export interface JobWorkerHandlerResult {
  /** Why the event was ignored (not a STARTED event of this custom action type), when it was. */
  readonly ignored?: string;
  readonly stats?: JobWorkerStats;
}

/**
 * A Lambda handler for EventBridge "CodePipeline Action Execution State Change" events that polls for jobs
 * only when an action of this custom type starts (state STARTED, owner Custom, same category, provider
 * and version), so nothing polls while the pipeline is idle. It works on every job it finds (up to
 * `concurrency` at once) until a poll comes back empty, then returns. Other events are ignored.
 *
 * @example
 * ```ts
 * export const handler = createJobWorkerHandler({
 *   actionType: { category: 'Test', provider: 'SecretScan', version: '1' },
 *   configuration: [{ name: 'Profile', required: true }] as const,
 *   run: async (job) => ({ summary: `scanned with profile ${job.config.Profile}` }),
 * });
 * ```
 */
export function createJobWorkerHandler<
  TSpec extends ConfigurationSpec | undefined = undefined,
  TState = unknown,
>(
  options: JobWorkerHandlerOptions<TSpec, TState>,
): (event: unknown, context?: JobContext) => Promise<JobWorkerHandlerResult> {
  const version = options.actionType.version ?? '1';
  const logger = options.logger ?? new Logger({ serviceName: `job-worker-${options.actionType.provider}` });
  return async (event, context) => {
    const ignored = whyIgnored(event, { ...options.actionType, version });
    if (ignored) {
      logger.debug('event ignored', { reason: ignored });
      return { ignored };
    }
    const worker = new JobWorker<TSpec, TState>({ ...options, logger, context });
    await drain(worker, options, context);
    await worker.idle();
    logger.info('event-driven worker done', { ...worker.stats });
    return { stats: { ...worker.stats } };
  };
}

function whyIgnored(
  event: unknown,
  type: { category: string; provider: string; version: string },
): string | undefined {
  let detail;
  try {
    detail = parseActionExecutionStateChange(event).detail;
  } catch (err) {
    return (err as Error).message;
  }
  if (detail.state !== 'STARTED') return `state ${detail.state}, not STARTED`;
  const t = detail.type;
  if (
    t.owner !== 'Custom' ||
    t.category !== type.category ||
    t.provider !== type.provider ||
    t.version !== type.version
  ) {
    return `action type ${t.owner}/${t.category}/${t.provider}/${t.version} is not Custom/${type.category}/${type.provider}/${type.version}`;
  }
  return undefined;
}

async function drain(
  worker: JobWorker<any, any>,
  options: JobWorkerHandlerOptions<any, any>,
  context: JobContext | undefined,
): Promise<void> {
  const retries = options.emptyPollRetries ?? 2;
  const delay = options.emptyPollDelayMs ?? 1_000;
  const minRemaining = options.minRemainingMsForNewJob ?? 10_000;
  const concurrency = options.concurrency ?? 1;
  let empty = 0;
  const timeLeft = () => context?.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY;
  while (timeLeft() > minRemaining) {
    if (worker.activeJobs >= concurrency) {
      await worker.idle();
      continue;
    }
    const started = await worker.pollOnce();
    if (started > 0) {
      empty = 0;
      continue;
    }
    if (worker.activeJobs > 0) {
      // More jobs may be queued once these finish (e.g. continuations of this action).
      await worker.idle();
      continue;
    }
    if (empty++ >= retries) return;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
