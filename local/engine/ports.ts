import type { PipelineDeclaration } from '@aws-sdk/client-codepipeline';

/** A stored pipeline as the pipeline store returns it. */
export interface StoredPipeline {
  readonly declaration: PipelineDeclaration;
  readonly metadata: { readonly pipelineArn: string; readonly created: Date; readonly updated: Date };
}

/** Reads a pipeline (a given structure version, else the current one). */
export type PipelineLoader = (name: string, version?: number) => StoredPipeline | undefined;

/** What the engine needs from the artifact store (the embedded S3 store or an adapter over another). */
export interface EngineArtifactStore {
  /** Creates the bucket when it is missing (with versioning enabled, as CodePipeline requires). */
  ensureBucket(bucket: string): Promise<void>;
  /** The object's bytes, or undefined when the bucket, key or version does not exist. */
  readObject(
    bucket: string,
    key: string,
    versionId?: string,
  ): Promise<{ body: Buffer; versionId?: string; etag?: string } | undefined>;
  /** Writes an object; returns its version id and ETag when the store has them. */
  writeObject(bucket: string, key: string, body: Buffer): Promise<{ versionId?: string; etag?: string }>;
}

/** A pipeline's artifact bucket for an action's region (artifactStore, or artifactStores[region]). */
export function artifactBucketOf(declaration: PipelineDeclaration, region: string): string | undefined {
  if (declaration.artifactStore?.location) return declaration.artifactStore.location;
  const stores = declaration.artifactStores ?? {};
  return stores[region]?.location ?? Object.values(stores)[0]?.location;
}

/** The KMS key of a pipeline's artifact store for an action's region, when one is configured. */
export function encryptionKeyOf(
  declaration: PipelineDeclaration,
  region: string,
): { id: string; type: string } | undefined {
  const store = declaration.artifactStore ?? declaration.artifactStores?.[region];
  const key = store?.encryptionKey;
  return key?.id ? { id: key.id, type: key.type ?? 'KMS' } : undefined;
}
