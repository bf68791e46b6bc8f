import type {
  CreatePipelineInput,
  CreatePipelineOutput,
  DeletePipelineInput,
  GetPipelineInput,
  GetPipelineOutput,
  ListPipelinesInput,
  ListPipelinesOutput,
  PipelineDeclaration,
  UpdatePipelineInput,
  UpdatePipelineOutput,
} from '@aws-sdk/client-codepipeline';
import type { ActionTypeKey } from '../action-types/builtin.js';
import { pipelineArn } from '../domain/arns.js';
import { decodePageToken, encodePageToken } from '../domain/page-token.js';
import { maskSecrets, normalizePipeline, restoreMaskedSecrets } from '../domain/pipeline-normalize.js';
import { validatePipelineStructure } from '../domain/pipeline-structure.js';
import { checkNewTags } from '../domain/tag-rules.js';
import { ServiceError } from '../errors.js';
import { toWireJson, withWireJson } from '../protocol/wire-body.js';
import { findActionType } from '../store/action-type-repo.js';
import {
  countPipelines,
  deletePipeline as deletePipelineRow,
  getPipeline as getStoredPipeline,
  insertPipeline,
  insertPipelineVersion,
  listPipelineSummaries,
  pipelineExists,
} from '../store/pipeline-repo.js';
import { cachedRead, transactionOf } from '../store/statements.js';
import { listTags, putTags, removeAllTags } from '../store/tag-repo.js';
import { notifyPipelineLifecycle, type ApiContext, type OperationTable } from './operation.js';

/** Pipelines per region (CodePipeline quotas). */
export const MAX_PIPELINES = 1000;
/** ListPipelines page size when `maxResults` is absent. */
export const DEFAULT_PIPELINE_PAGE = 100;

function lookup(ctx: ApiContext) {
  return (id: ActionTypeKey) => findActionType(ctx.db, id);
}

function notFound(ctx: ApiContext, name: string): ServiceError {
  return new ServiceError(
    'PipelineNotFoundException',
    `Account '${ctx.accountId}' does not have a pipeline with name '${name}'`,
  );
}

function nameInUse(ctx: ApiContext, name: string): ServiceError {
  return new ServiceError(
    'PipelineNameInUseException',
    `A pipeline with the name '${name}' already exists in account '${ctx.accountId}'`,
  );
}

function prepare(ctx: ApiContext, input: PipelineDeclaration): PipelineDeclaration {
  const declaration = normalizePipeline(input);
  validatePipelineStructure(declaration, { region: ctx.region, lookupActionType: lookup(ctx) });
  return declaration;
}

/** CreatePipeline: validates the structure, stores version 1 with its tags, notifies the engine. */
export async function createPipeline(
  input: CreatePipelineInput,
  ctx: ApiContext,
): Promise<CreatePipelineOutput> {
  const name = input.pipeline!.name!;
  if (pipelineExists(ctx.db, name)) throw nameInUse(ctx, name);
  const declaration = prepare(ctx, input.pipeline!);
  const arn = pipelineArn(ctx, name);
  checkNewTags(arn, input.tags, []);
  if (countPipelines(ctx.db) >= MAX_PIPELINES)
    throw new ServiceError(
      'LimitExceededException',
      `The maximum number of pipelines (${MAX_PIPELINES}) in account '${ctx.accountId}' has been reached`,
    );
  const created = insertPipeline(ctx.db, { declaration, arn, now: ctx.now() }, () =>
    putTags(ctx.db, arn, input.tags ?? []),
  );
  if (!created) throw nameInUse(ctx, name);
  await notifyPipelineLifecycle(ctx, 'pipelineCreated', name);
  const stored = getStoredPipeline(ctx.db, name)!;
  return {
    pipeline: maskSecrets(stored.declaration, lookup(ctx)),
    ...(input.tags ? { tags: listTags(ctx.db, arn) } : {}),
  };
}

/**
 * GetPipeline's answer as plain data, which the read cache may keep (and share): the masked declaration
 * as JSON text and the metadata's times in epoch milliseconds. Each call builds fresh objects from it.
 */
interface PipelineView {
  readonly declaration: string;
  readonly pipelineArn: string;
  readonly created: number;
  readonly updated: number;
  readonly pollingDisabledAt?: number;
}

function readPipelineView(input: GetPipelineInput, ctx: ApiContext): PipelineView | undefined {
  const stored = getStoredPipeline(ctx.db, input.name!, input.version);
  if (!stored) return undefined;
  const { metadata } = stored;
  // The action type of each action (secret masking) in one read transaction: one WAL read lock, not one each.
  return {
    declaration: JSON.stringify(transactionOf(ctx.db, masked)(stored.declaration, ctx)),
    pipelineArn: metadata.pipelineArn,
    created: metadata.created.getTime(),
    updated: metadata.updated.getTime(),
    ...(metadata.pollingDisabledAt ? { pollingDisabledAt: metadata.pollingDisabledAt.getTime() } : {}),
  };
}

/** GetPipeline: the current version or `version`, with metadata; secret values masked. */
export function getPipeline(input: GetPipelineInput, ctx: ApiContext): GetPipelineOutput {
  // Cached while the database is unchanged (pipelines and action types alike): reading, masking and
  // copying the declaration was most of GetPipeline's own time in the profile.
  const view = cachedRead(ctx.db, `GetPipeline\0${input.name}\0${input.version ?? ''}`, () =>
    readPipelineView(input, ctx),
  );
  if (!view) {
    if (input.version !== undefined && getStoredPipeline(ctx.db, input.name!))
      throw new ServiceError(
        'PipelineVersionNotFoundException',
        `Pipeline '${input.name}' does not have a version ${input.version}`,
      );
    throw notFound(ctx, input.name!);
  }
  return {
    pipeline: JSON.parse(view.declaration) as PipelineDeclaration,
    metadata: {
      pipelineArn: view.pipelineArn,
      created: new Date(view.created),
      updated: new Date(view.updated),
      ...(view.pollingDisabledAt !== undefined
        ? { pollingDisabledAt: new Date(view.pollingDisabledAt) }
        : {}),
    },
  };
}

function masked(declaration: PipelineDeclaration, ctx: ApiContext): PipelineDeclaration {
  return maskSecrets(declaration, lookup(ctx));
}

/** UpdatePipeline: the declaration's version must be the current one; stores version + 1. */
export async function updatePipeline(
  input: UpdatePipelineInput,
  ctx: ApiContext,
): Promise<UpdatePipelineOutput> {
  const name = input.pipeline!.name!;
  const current = getStoredPipeline(ctx.db, name);
  if (!current)
    throw new ServiceError(
      'InvalidStructureException',
      `Account '${ctx.accountId}' does not have a pipeline with name '${name}'`,
    );
  const currentVersion = current.declaration.version!;
  const requested = input.pipeline!.version ?? currentVersion;
  const mismatch = () =>
    new ServiceError(
      'InvalidStructureException',
      `The pipeline version ${requested} does not match the current version ${currentVersion} of pipeline '${name}'. Get the latest pipeline structure with GetPipeline and update that`,
    );
  if (requested !== currentVersion) throw mismatch();
  const declaration = prepare(ctx, restoreMaskedSecrets(input.pipeline!, current.declaration, lookup(ctx)));
  const result = insertPipelineVersion(ctx.db, declaration, currentVersion, ctx.now());
  if (result === 'missing') throw notFound(ctx, name);
  if (result === 'conflict') throw mismatch();
  await notifyPipelineLifecycle(ctx, 'pipelineUpdated', name);
  return { pipeline: maskSecrets(getStoredPipeline(ctx.db, name)!.declaration, lookup(ctx)) };
}

/** DeletePipeline: removes the pipeline, its versions and tags; deleting an absent pipeline succeeds. */
export async function deletePipeline(
  input: DeletePipelineInput,
  ctx: ApiContext,
): Promise<Record<string, never>> {
  const arn = pipelineArn(ctx, input.name!);
  const deleted = deletePipelineRow(ctx.db, input.name!, () => removeAllTags(ctx.db, arn));
  if (deleted) await notifyPipelineLifecycle(ctx, 'pipelineDeleted', input.name!);
  return {};
}

function pipelinesPage(ctx: ApiContext, after: string | undefined, limit: number): ListPipelinesOutput {
  const rows = listPipelineSummaries(ctx.db, after, limit + 1);
  const page = rows.slice(0, limit);
  return {
    pipelines: page,
    ...(rows.length > limit ? { nextToken: encodePageToken('pipelines', page[page.length - 1].name!) } : {}),
  };
}

/** ListPipelines: summaries sorted by name, `maxResults` per page (default 100), `nextToken`. */
export function listPipelines(input: ListPipelinesInput, ctx: ApiContext): ListPipelinesOutput {
  const after = decodePageToken('pipelines', input.nextToken);
  const limit = input.maxResults ?? DEFAULT_PIPELINE_PAGE;
  // The response body is cached while the database is unchanged: serializing a page of 100 summaries was
  // the largest part of ListPipelines' time once its rows were cached. Both come from the same rows.
  const json = cachedRead(ctx.db, `ListPipelines\0${after ?? ''}\0${limit}`, () =>
    toWireJson('ListPipelinesOutput', pipelinesPage(ctx, after, limit)),
  );
  return withWireJson(pipelinesPage(ctx, after, limit), 'ListPipelinesOutput', json);
}

/** Pipeline operations of the local CodePipeline. */
export const pipelineOperations: OperationTable = {
  CreatePipeline: createPipeline,
  GetPipeline: getPipeline,
  UpdatePipeline: updatePipeline,
  DeletePipeline: deletePipeline,
  ListPipelines: listPipelines,
};
