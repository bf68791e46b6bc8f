import { GetObjectCommand, S3Client, type GetObjectCommandInput } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../local/package-root.js';
import { createS3Service, type S3Authorizer, type S3Service } from '../../local/s3/index.js';

/** An embedded S3 store served on 127.0.0.1:<random port> in this process, with its own temp data dir. */
export interface StartedS3Store {
  readonly endpoint: string;
  readonly service: S3Service;
  readonly dataDir: string;
  client(options?: { accessKeyId?: string; checksums?: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED' }): S3Client;
  stop(): Promise<void>;
}

/** Starts the store (port 0) for a test file. */
export async function startS3Store(options: { authorizer?: S3Authorizer } = {}): Promise<StartedS3Store> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cpkit-s3-'));
  const service = createS3Service({ dataDir, region: 'us-east-1', authorizer: options.authorizer });
  const server: Server = createServer((req, res) => void service.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: S3Client[] = [];
  return {
    endpoint,
    service,
    dataDir,
    client: ({ accessKeyId = 'test', checksums = 'WHEN_SUPPORTED' } = {}) => {
      const client = new S3Client({
        endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId, secretAccessKey: 'test' },
        requestChecksumCalculation: checksums,
        responseChecksumValidation: checksums,
      });
      clients.push(client);
      return client;
    },
    stop: async () => {
      for (const c of clients) c.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await service.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Bundles test/fixtures/s3-store-server.ts to a runnable .mjs (for child-process tests); returns its path.
 * It goes under node_modules/.cache so that its external packages resolve.
 */
export async function bundleS3StoreServer(): Promise<string> {
  const root = packageRoot();
  const outfile = join(root, 'node_modules', '.cache', 'cpkit-tests', `s3-store-server-${process.pid}.mjs`);
  const { bundleEntry } = (await import(pathToFileURL(join(root, 'scripts', 'build.mjs')).href)) as {
    bundleEntry: (entry: string, outfile: string, options?: { logLevel?: string }) => Promise<string>;
  };
  return bundleEntry(join(root, 'test', 'fixtures', 's3-store-server.ts'), outfile, { logLevel: 'silent' });
}

/**
 * GetObject with its whole body read into a Buffer.
 *
 * @example
 * const { out, bytes } = await getObjectBytes(client, { Bucket: 'b', Key: 'k', Range: 'bytes=0-9' });
 */
export async function getObjectBytes(client: S3Client, input: GetObjectCommandInput) {
  const out = await client.send(new GetObjectCommand(input));
  return { out, bytes: Buffer.from(await out.Body!.transformToByteArray()) };
}
