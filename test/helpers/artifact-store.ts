import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createS3Service, type S3Service } from '../../local/s3/index.js';
import { buildJobEvent, type JobEventOptions } from '../../lambdas/testing/index.js';
import { parseJobEvent } from '../../lambdas/toolkit/job-event.js';
import type { Job } from '../../lambdas/toolkit/types.js';

/** One request the store received (headers as sent by the client). */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

/**
 * The embedded S3 store on 127.0.0.1:<port 0> that records every request and, like an artifact bucket
 * on AWS, only lets the pipeline's job credentials (and the test's admin key) in: any other signer, such
 * as a function's own role, gets `AccessDenied`.
 */
export interface ArtifactTestStore {
  readonly endpoint: string;
  readonly bucket: string;
  readonly requests: SeenRequest[];
  readonly service: S3Service;
  /** Client signed with the admin key (setup and checks). */
  readonly admin: S3Client;
  /** Lets the job credentials of `job` (or an access key id) read and write artifacts. */
  allow(accessKeyId: string): void;
  put(key: string, body: Buffer): Promise<void>;
  get(key: string): Promise<Buffer>;
  head(key: string): Promise<{ sse?: string; kmsKeyId?: string; size?: number }>;
  /** A parsed job whose input/output artifacts live in this store; its credentials are allowed. */
  job(options?: JobEventOptions & { inputs?: Record<string, string>; outputs?: Record<string, string> }): {
    job: Job;
    event: ReturnType<typeof buildJobEvent>;
  };
  stop(): Promise<void>;
}

const ADMIN_KEY = 'ADMINTESTKEY';

export async function startArtifactStore(): Promise<ArtifactTestStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cpkit-art-'));
  const allowed = new Set<string>([ADMIN_KEY]);
  const service = createS3Service({
    dataDir,
    region: 'us-east-1',
    authorizer: {
      authorize: ({ accessKeyId }) =>
        accessKeyId !== undefined && allowed.has(accessKeyId)
          ? { allowed: true }
          : { allowed: false, message: 'Access Denied' },
    },
  });
  const requests: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
    void service.handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const admin = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: ADMIN_KEY, secretAccessKey: 'admin-secret' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const bucket = 'codepipeline-us-east-1-123456789012';
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  let counter = 0;
  return {
    endpoint,
    bucket,
    requests,
    service,
    admin,
    allow: (key) => void allowed.add(key),
    put: async (key, body) => {
      await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    get: async (key) => {
      const res = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return Buffer.from(await res.Body!.transformToByteArray());
    },
    head: async (key) => {
      const res = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { sse: res.ServerSideEncryption, kmsKeyId: res.SSEKMSKeyId, size: res.ContentLength };
    },
    job: (options = {}) => {
      counter += 1;
      const spec = (names: Record<string, string>) =>
        Object.entries(names).map(([name, objectKey]) => ({ name, objectKey, bucketName: bucket }));
      const event = buildJobEvent({
        ...options,
        bucketName: bucket,
        inputArtifacts: options.inputs ? spec(options.inputs) : options.inputArtifacts,
        outputArtifacts: options.outputs
          ? spec(options.outputs)
          : (options.outputArtifacts ?? [
              { name: 'Out', objectKey: `out/${counter}.zip`, bucketName: bucket },
            ]),
      });
      const job = parseJobEvent(event);
      allowed.add(job.artifactCredentials!.accessKeyId);
      return { job, event };
    },
    stop: async () => {
      admin.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await service.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What {@link useArtifactTestStore} gives a test file; read `store` inside tests (a hook sets it). */
export interface ArtifactTestStoreSetup {
  readonly store: ArtifactTestStore;
}

/**
 * Registers the hooks the artifact tests share: one {@link startArtifactStore} for the file, with
 * `AWS_ENDPOINT_URL_S3` pointing at it (where the toolkit's S3 client goes) until the file ends, when the
 * previous value comes back and the store stops. Call it at the top level of a test file.
 *
 * @example
 * const artifacts = useArtifactTestStore();
 * it('reads', async () => {
 *   const { job } = artifacts.store.job({ inputs: { src: 'src.zip' } });
 * });
 */
export function useArtifactTestStore(): ArtifactTestStoreSetup {
  let store: ArtifactTestStore | undefined;
  const previousEndpoint = process.env.AWS_ENDPOINT_URL_S3;
  beforeAll(async () => {
    store = await startArtifactStore();
    process.env.AWS_ENDPOINT_URL_S3 = store.endpoint;
  });
  afterAll(async () => {
    if (previousEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL_S3;
    else process.env.AWS_ENDPOINT_URL_S3 = previousEndpoint;
    await store?.stop();
  });
  return {
    get store() {
      return store!;
    },
  };
}
