import type { Db } from '../store/database.js';

/**
 * What every operation handler gets besides its input.
 * Handlers are plain functions named after their operation (`createPipeline` for `CreatePipeline`),
 * grouped one file per noun, each file exporting a `<noun>Operations` table.
 */
export interface ApiContext {
  /** Region of ARNs and event envelopes (from --region / AWS_REGION; default us-east-1). */
  readonly region: string;
  /** Account of ARNs (default 000000000000). */
  readonly accountId: string;
  /** The embedded database. */
  readonly db: Db;
  /** Base URL the server listens on, e.g. http://127.0.0.1:4566 (for webhook URLs, function URLs, console links). */
  readonly baseUrl: string;
  /** Access key id of the caller's SigV4 Authorization header, when there is one. */
  readonly callerAccessKeyId?: string;
  /** Clock: every timestamp the engine stores comes from here (tests may fix it). */
  now(): Date;
  /** Late-bound services (execution engine, artifact store, ...) registered by the server at start-up. */
  readonly services: ApiServices;
}

/** Services that operations may call; each is filled in by the module that owns it. */
export interface ApiServices {
  [name: string]: unknown;
}

/**
 * An operation handler. `input` has already passed the service model's validation
 * (required members, types, enums, lengths, ranges, patterns). It returns the output shape with
 * `Date` values for timestamps (the protocol layer writes them as epoch seconds), or throws a
 * `ServiceError` named after one of the operation's declared error shapes.
 */
export type OperationHandler = (input: any, ctx: ApiContext) => unknown;

/** Operation name (exactly as in the service model) -> handler. */
export type OperationTable = Record<string, OperationHandler>;

/** Pipeline lifecycle notifications from the pipeline operations to whoever listens (the execution engine). */
export interface PipelineLifecycleListener {
  /** After CreatePipeline committed (the engine creates the artifact bucket and may start the first execution). */
  pipelineCreated?(name: string): void | Promise<void>;
  /** After UpdatePipeline committed. */
  pipelineUpdated?(name: string): void | Promise<void>;
  /** After DeletePipeline committed (the engine stops its executions). */
  pipelineDeleted?(name: string): void | Promise<void>;
}

/** Calls every registered lifecycle listener (`ctx.services.pipelineListeners`). */
export async function notifyPipelineLifecycle(
  ctx: ApiContext,
  event: keyof PipelineLifecycleListener,
  name: string,
): Promise<void> {
  const listeners = (ctx.services.pipelineListeners as PipelineLifecycleListener[] | undefined) ?? [];
  for (const listener of listeners) await listener[event]?.(name);
}
