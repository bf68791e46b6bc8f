import { ServiceError } from '../errors.js';
import { actionTypeOperations } from './action-types.js';
import { customJobOperations } from './custom-jobs.js';
import { approvalOperations } from './approvals.js';
import { executionOperations } from './executions.js';
import { jobOperations } from './jobs.js';
import { pipelineOperations } from './pipelines.js';
import { stateOperations } from './state.js';
import { tagOperations } from './tags.js';
import { thirdPartyJobOperations } from './third-party-jobs.js';
import { transitionOperations } from './transitions.js';
import { webhookOperations } from './webhooks.js';
import { operationNames } from '../protocol/service-model.js';
import type { ApiContext, OperationHandler, OperationTable } from './operation.js';

/**
 * The operation table: every noun module's table merged into one. To add a module, add one import and
 * one spread line (keep them sorted):
 *
 *   import { pipelineOperations } from './pipelines.js';
 *   ...pipelineOperations,
 */
export const implementedOperations: OperationTable = {
  // noun tables (one spread line each)
  ...actionTypeOperations,
  ...customJobOperations,
  ...approvalOperations,
  ...executionOperations,
  ...jobOperations,
  ...pipelineOperations,
  ...stateOperations,
  ...tagOperations,
  ...thirdPartyJobOperations,
  ...transitionOperations,
  ...webhookOperations,
};

/**
 * The model's operations that no module implements yet. They are registered and validated like the
 * others and answer HTTP 400 ValidationException "<Op> is not implemented by codepipeline-kit local yet".
 */
export function pendingOperations(): string[] {
  return operationNames().filter((name) => !Object.hasOwn(implementedOperations, name));
}

function notImplemented(name: string): OperationHandler {
  return () => {
    throw new ServiceError('ValidationException', `${name} is not implemented by codepipeline-kit local yet`);
  };
}

/**
 * All 44 operations of the service model, each with its handler (or the temporary not-implemented one).
 *
 * @example
 * const table = operationTable();
 * await table.ListPipelines({}, ctx);
 */
export function operationTable(): OperationTable {
  const table: OperationTable = {};
  for (const name of operationNames()) table[name] = implementedOperations[name] ?? notImplemented(name);
  return table;
}

/** Runs one (already validated) operation. */
export async function invokeOperation(
  table: OperationTable,
  name: string,
  input: unknown,
  ctx: ApiContext,
): Promise<unknown> {
  const handler = table[name];
  if (!handler) throw new ServiceError('UnknownOperationException', `Unknown operation ${name}`);
  return handler(input, ctx);
}
