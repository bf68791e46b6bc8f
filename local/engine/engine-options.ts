import type { LocalFunction } from '../functions-file.js';
import type { Db } from '../store/database.js';
import type { RequestedRevision } from '../store/execution-repo.js';
import type { SourceDirMapping } from './action-runners/local-folder-source.js';
import type { SimulatedOutcome } from './action-runners/simulated.js';
import type { Clock } from './clock.js';
import type { LocalRule } from './events.js';
import type { EngineArtifactStore, PipelineLoader } from './ports.js';
import type { LocalSubscription } from './subscriptions.js';

/** Options of the ExecutionEngine (execution-engine.ts). */
export interface ExecutionEngineOptions {
  readonly db: Db;
  readonly region: string;
  readonly accountId: string;
  /** Where events.jsonl and logs/<function>.log go; omit for an in-memory engine (tests). */
  readonly dataDir?: string;
  /** The URL functions reach the engine at (AWS_ENDPOINT_URL). */
  readonly endpoint: () => string;
  readonly functions?: readonly LocalFunction[] | (() => readonly LocalFunction[]);
  readonly artifacts: EngineArtifactStore;
  readonly loadPipeline: PipelineLoader;
  readonly clock?: Clock;
  /** Reply timer of Lambda jobs. @default 1200000 (20 minutes, as on AWS) */
  readonly jobReplyTimeoutMs?: number;
  /** Delays before the two retries of a failed asynchronous Lambda invocation. @default [1000, 2000] */
  readonly lambdaRetryDelaysMs?: readonly number[];
  /** Idle Lambda workers are stopped after this long. @default 300000 */
  readonly lambdaIdleMs?: number;
  /** Providers that cannot run locally and what to do instead (`--simulate`). */
  readonly simulate?: Readonly<Record<string, SimulatedOutcome>>;
  /** Source providers (or actions) read from local folders (`--source-dir`). */
  readonly sourceDirs?: readonly SourceDirMapping[];
  /** Start an execution when a pipeline is created, as AWS does (`--no-start-on-create` turns it off). @default true */
  readonly startOnCreate?: boolean;
  /** Local EventBridge rules (`--rules`). */
  readonly rules?: readonly LocalRule[];
  /** Timeout of custom-action and third-party jobs. @default 3600000 (1 h, AWS) */
  readonly customJobTimeoutMs?: number;
  /** A custom job handed out but not acknowledged this long is handed out again. @default 60000 */
  readonly customJobAckTimeoutMs?: number;
  /** Local SNS subscriptions: functions receiving approval messages published to a topic. */
  readonly subscriptions?: readonly LocalSubscription[];
}

/** Input of ExecutionEngine.startExecution. */
export interface StartExecutionRequest {
  readonly pipelineName: string;
  readonly variables?: readonly { name: string; value: string }[];
  readonly clientRequestToken?: string;
  readonly triggerType?: string;
  readonly triggerDetail?: string;
  /** Source revisions to use instead of the newest (StartPipelineExecution `sourceRevisions`). */
  readonly sourceRevisions?: readonly RequestedRevision[];
}
