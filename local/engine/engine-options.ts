import type { LocalFunction } from '../functions-file.js';
import type { Db } from '../store/database.js';
import type { RequestedRevision } from '../store/execution-repo.js';
import type { SourceDirMapping } from './action-runners/local-folder-source.js';
import type { SimulatedOutcome } from './action-runners/simulated.js';
import type { Clock } from './clock.js';
import type { LocalRule } from './events.js';
import type { EngineArtifactStore, PipelineLoader } from './ports.js';
import type { LocalSubscription } from './subscriptions.js';

/**
 * Engine settings of `startLocalCodePipeline({ engine: {...} })` and `cpkit serve` (one list: the engine's own
 * options extend it).
 */
export interface EngineSettings {
  /** Reply timer of Lambda jobs in ms (`--job-reply-timeout` seconds). @default 1200000 (AWS: 20 minutes) */
  readonly jobReplyTimeoutMs?: number;
  /** Delays before the 2 retries of a failed asynchronous Lambda invocation. @default [1000, 2000] */
  readonly lambdaRetryDelaysMs?: readonly number[];
  /** Idle Lambda worker processes are stopped after this long. @default 300000 */
  readonly lambdaIdleMs?: number;
  /** `--simulate Provider=succeed|fail` for providers that cannot run locally. @default {} */
  readonly simulate?: Readonly<Record<string, SimulatedOutcome>>;
  /** `--source-dir Provider[:ActionName]=DIR`: source actions read from local folders. @default [] */
  readonly sourceDirs?: readonly SourceDirMapping[];
  /** Start an execution when a pipeline is created, as AWS does. @default true */
  readonly startOnCreate?: boolean;
  /** Local EventBridge rules (`--rules FILE`). @default [] */
  readonly rules?: readonly LocalRule[];
  /** Timeout of custom-action and third-party jobs in ms. @default 3600000 (1 h, AWS) */
  readonly customJobTimeoutMs?: number;
  /** A custom job handed out but not acknowledged this long is handed out again. @default 60000 */
  readonly customJobAckTimeoutMs?: number;
  /** Local SNS subscriptions (see local/engine/subscriptions.ts). @default [] */
  readonly subscriptions?: readonly LocalSubscription[];
  /** Clock for tests. @default the system clock */
  readonly clock?: Clock;
}

/** Options of the ExecutionEngine (execution-engine.ts): the settings plus what the composition root wires in. */
export interface ExecutionEngineOptions extends EngineSettings {
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
