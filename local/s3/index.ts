import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ArtifactStore } from './artifact-store.js';
import { MultipartStore } from './multipart-store.js';
import { ObjectStore } from './object-store.js';
import type { S3Authorizer } from './s3-call.js';
import { createS3Handler } from './s3-server.js';
import { SdkArtifactStore } from './sdk-artifact-store.js';

export type { ArtifactObjectInfo, ArtifactPutOptions, ArtifactStore } from './artifact-store.js';
export type { S3Action, S3Authorizer } from './s3-call.js';
export { S3Error, S3_ERROR_STATUS } from './errors.js';
export { ObjectStore } from './object-store.js';
export { SdkArtifactStore } from './sdk-artifact-store.js';
export { bucketNameProblem } from './bucket-names.js';

/** The S3 artifact store as the server and the engine see it. */
export interface S3Service {
  /** Serves one S3 request (path-style or `<bucket>.localhost`). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** The embedded store (always present, also when `externalEndpoint` is set). */
  store: ObjectStore;
  /** What the engine reads and writes artifacts with: the embedded store, or the external endpoint's adapter. */
  artifacts: ArtifactStore;
  close(): Promise<void>;
}

/** Options of {@link createS3Service}. */
export interface S3ServiceOptions {
  /** Objects go to `<dataDir>/s3/blobs`, metadata to `<dataDir>/s3/index.sqlite`. */
  dataDir: string;
  region: string;
  /** Asked on every request with the signer's access key id. @default - allows everything */
  authorizer?: S3Authorizer;
  /**
   * An S3-compatible endpoint (`--s3-endpoint`): `artifacts` then talks to it through
   * `@aws-sdk/client-s3` (path-style, checksums when required). `handle()` keeps serving the embedded
   * store on the engine's port (harmless; nothing the engine writes lands there).
   * @default - the embedded store
   */
  externalEndpoint?: string;
}

/**
 * Creates the S3-compatible artifact store. Orphan temp files and unreferenced blobs from a crash are
 * removed at start.
 *
 * @example
 * const s3 = createS3Service({ dataDir: '.cpkit', region: 'us-east-1' });
 * http.createServer((req, res) => void s3.handle(req, res)).listen(0, '127.0.0.1');
 * await s3.artifacts.ensureBucket('artifacts');
 */
export function createS3Service(options: S3ServiceOptions): S3Service {
  const store = new ObjectStore({ dataDir: options.dataDir, region: options.region });
  const uploads = new MultipartStore(store);
  const artifacts: ArtifactStore = options.externalEndpoint
    ? new SdkArtifactStore({ endpoint: options.externalEndpoint, region: options.region })
    : store;
  return {
    handle: createS3Handler(store, uploads, options.authorizer),
    store,
    artifacts,
    close: async () => {
      if (artifacts instanceof SdkArtifactStore) artifacts.client.destroy();
      store.close();
    },
  };
}
