import type { ActionDeclaration, PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import type { LocalFunction } from '../../functions-file.js';
import type { Db } from '../../store/database.js';
import type { ActionRunRow } from '../../store/action-run-repo.js';
import type { SourceRevisionRecord } from '../../store/execution-repo.js';
import type { Clock } from '../clock.js';
import type { LambdaRuntime } from '../lambda-runtime.js';
import type { EngineArtifactStore } from '../ports.js';
import type { Effect } from '../stage-run.js';

/** How an action ended, as a runner reports it to the engine. */
export interface ActionOutcome {
  readonly status: 'Succeeded' | 'Failed';
  readonly summary?: string;
  /** A FailureType (`JobFailed`, `ConfigurationError`, ...) for failures. */
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly externalExecutionId?: string;
  readonly externalExecutionUrl?: string;
  readonly percentComplete?: number;
  readonly outputVariables?: Record<string, string>;
  /** Revision of each output artifact by name (source actions). */
  readonly outputArtifactRevisions?: Record<string, string>;
  /** The source revision a source action read. */
  readonly sourceRevision?: SourceRevisionRecord;
  readonly simulated?: boolean;
}

/** What runners get from the engine. */
export interface RunnerContext {
  readonly db: Db;
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
  readonly runtime: LambdaRuntime;
  readonly artifacts: EngineArtifactStore;
  /** Functions the runtime knows (from --functions / --cdk-out). */
  functions(): readonly LocalFunction[];
  /** The pipeline structure an action run belongs to. */
  pipelineOf(run: ActionRunRow): PipelineDeclaration | undefined;
  /** The action's declaration in that structure. */
  declarationOf(run: ActionRunRow): ActionDeclaration | undefined;
  /**
   * Ends an InProgress action run with `outcome` (and runs `alsoInTransaction` in the same transaction).
   * Returns false when the run had already ended (e.g. abandoned by a stop).
   */
  complete(actionRunId: string, outcome: ActionOutcome, alsoInTransaction?: () => void): boolean;
  /** Runs `fn` in one transaction and then applies the effects it returns. */
  commit(fn: () => Effect[] | void): void;
}

/** Runs one kind of action. */
export interface ActionRunner {
  /** Starts a new InProgress action run (its configuration and artifacts are already resolved). */
  start(run: ActionRunRow): void;
  /** Continues an InProgress action run after a restart of the engine. */
  resume(run: ActionRunRow): void;
  /** Stops timers and work of an action run that was abandoned. */
  abandon?(run: ActionRunRow): void;
  /** Releases timers on shutdown. */
  close?(): void;
}

/** Message of a failed action whose error is unexpected (never a stack trace of the engine). */
export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
