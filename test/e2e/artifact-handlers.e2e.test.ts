import {
  CreatePipelineCommand,
  StartPipelineExecutionCommand,
  type ActionDeclaration,
  type StageDeclaration,
} from '@aws-sdk/client-codepipeline';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import type { LocalFunction } from '../../local/functions-file.js';
import type { ArtifactStore } from '../../local/s3/artifact-store.js';
import {
  ARTIFACT_BUCKET,
  SOURCE_BUCKET,
  actionsOf,
  invoke,
  s3Source,
  waitForExecution,
} from '../helpers/engine-e2e.js';
import { repoRoot, startTestServer, type TestLocalServer } from '../helpers/local-server.js';
import { yazlZip } from '../helpers/zip-craft.js';

let local: TestLocalServer;
let store: ArtifactStore;
let bundles: string;
let admin: S3Client;
const KMS_KEY = 'arn:aws:kms:us-east-1:000000000000:key/7f2c1a7e-0000-4000-8000-00000000abcd';
const logo = Buffer.from(Array.from({ length: 30_000 }, (_, i) => (i * 97) % 256));

/** Bundles a handler with scripts/build.mjs's `bundleHandler` (the `npm run build` options) into `bundles`. */
async function bundle(name: string): Promise<LocalFunction> {
  const { bundleHandler } = (await import(pathToFileURL(join(repoRoot, 'scripts', 'build.mjs')).href)) as {
    bundleHandler: (entry: string, outfile: string) => Promise<unknown>;
  };
  const outfile = join(bundles, name, 'index.mjs');
  await bundleHandler(join(repoRoot, 'lambdas', 'handlers', name, 'index.ts'), outfile);
  return { name, bundle: outfile, handler: 'handler', timeoutSeconds: 30, memoryMB: 128, environment: {} };
}

beforeAll(async () => {
  bundles = mkdtempSync(join(tmpdir(), 'cpkit-artifact-e2e-'));
  const functions = [await bundle('artifact-validate'), await bundle('artifact-transform')];
  local = await startTestServer({ functions, engine: { startOnCreate: false } });
  store = local.services.artifacts as ArtifactStore;
  await store.ensureBucket(SOURCE_BUCKET);
  await store.ensureBucket(ARTIFACT_BUCKET);
  const source = await yazlZip([
    { path: 'config/app.json', content: '{"name":"shop","port":8443}' },
    { path: 'schemas/app.schema.json', content: JSON.stringify(appSchema) },
    {
      path: 'deploy/service.yaml.tmpl',
      content: 'name: shop\nstage: ${STAGE}\nrun: ${RUN}\n',
      streamed: true,
    },
    { path: 'assets/logo.bin', content: logo },
  ]);
  await store.putObject(SOURCE_BUCKET, 'source.zip', source);
  admin = new S3Client({
    endpoint: local.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'e2e-admin', secretAccessKey: 'e2e-admin' },
  });
});

afterAll(async () => {
  admin?.destroy();
  await local?.stop();
  if (bundles) rmSync(bundles, { recursive: true, force: true });
});

const appSchema = {
  type: 'object',
  required: ['name', 'port'],
  properties: { name: { type: 'string' }, port: { type: 'integer', maximum: 65535 } },
};

function stages(validateParams: unknown): StageDeclaration[] {
  const validate: ActionDeclaration = invoke('Validate', 'artifact-validate', {
    inputArtifacts: [{ name: 'SourceOutput' }],
    configuration: { FunctionName: 'artifact-validate', UserParameters: JSON.stringify(validateParams) },
  });
  const render: ActionDeclaration = invoke('Render', 'artifact-transform', {
    inputArtifacts: [{ name: 'SourceOutput' }],
    outputArtifacts: [{ name: 'Rendered' }],
    namespace: 'RenderVars',
    configuration: {
      FunctionName: 'artifact-transform',
      UserParameters: JSON.stringify({
        templates: ['**/*.tmpl'],
        stripSuffix: '.tmpl',
        variables: { STAGE: '#{variables.stage}', RUN: '#{codepipeline.PipelineExecutionId}' },
      }),
    },
  });
  return [
    { name: 'Validate', actions: [validate] },
    { name: 'Render', actions: [render] },
  ];
}

async function runPipeline(name: string, validateParams: unknown, encrypted: boolean) {
  await local.client.send(
    new CreatePipelineCommand({
      pipeline: {
        name,
        roleArn: 'arn:aws:iam::000000000000:role/pipeline-role',
        artifactStore: {
          type: 'S3',
          location: ARTIFACT_BUCKET,
          ...(encrypted ? { encryptionKey: { id: KMS_KEY, type: 'KMS' } } : {}),
        },
        pipelineType: 'V2',
        variables: [{ name: 'stage', defaultValue: 'dev' }],
        stages: [{ name: 'Source', actions: [s3Source('source.zip')] }, ...stages(validateParams)],
      },
    }),
  );
  const { pipelineExecutionId } = await local.client.send(
    new StartPipelineExecutionCommand({ name, variables: [{ name: 'stage', value: 'prod' }] }),
  );
  const execution = await waitForExecution(local.client, name, pipelineExecutionId!, 60_000);
  const actions = await actionsOf(local.client, name, pipelineExecutionId!);
  return { id: pipelineExecutionId!, execution, actions };
}

/** Every entry of a zip: path -> bytes. */
async function unzip(zip: Buffer): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const archive = await yauzl.fromBufferPromise(zip, { lazyEntries: true });
  for await (const entry of archive.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const c of await archive.openReadStreamPromise(entry)) chunks.push(c as Buffer);
    files.set(entry.fileName, Buffer.concat(chunks));
  }
  return files;
}

async function readObject(bucket: string, key: string): Promise<Buffer> {
  const { body } = await store.getObject(bucket, key);
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('artifact-validate and artifact-transform (e2e through the local engine)', () => {
  it('validates the S3 source and renders it into an output artifact, byte for byte', async () => {
    // Act
    const { id, execution, actions } = await runPipeline(
      'artifacts-plain',
      { required: ['config/app.json', 'deploy/'], schemas: { 'config/app.json': 'schemas/app.schema.json' } },
      false,
    );

    // Assess
    expect(execution.status).toBe('Succeeded');
    expect(actions.Validate.status).toBe('Succeeded');
    expect(actions.Validate.output?.outputVariables).toEqual({ fileCount: '4', bytes: expect.any(String) });
    const out = actions.Render.output!.outputArtifacts![0].s3location!;
    const zip = await readObject(out.bucket!, out.key!);
    expect(actions.Render.output?.outputVariables).toEqual({
      fileCount: '4',
      sha256: createHash('sha256').update(zip).digest('hex'),
    });
    const files = await unzip(zip);
    expect([...files.keys()].sort()).toEqual([
      'assets/logo.bin',
      'config/app.json',
      'deploy/service.yaml',
      'schemas/app.schema.json',
    ]);
    expect(files.get('deploy/service.yaml')!.toString()).toBe(`name: shop\nstage: prod\nrun: ${id}\n`);
    expect(files.get('assets/logo.bin')!.equals(logo)).toBe(true);
    expect(files.get('config/app.json')!.toString()).toBe('{"name":"shop","port":8443}');
  });

  it('writes the output artifact with SSE-KMS and the pipeline key when the artifact store has one', async () => {
    // Act
    const { execution, actions } = await runPipeline(
      'artifacts-kms',
      { required: ['config/app.json'] },
      true,
    );

    // Assess
    expect(execution.status).toBe('Succeeded');
    const out = actions.Render.output!.outputArtifacts![0].s3location!;
    const head = await admin.send(new HeadObjectCommand({ Bucket: out.bucket!, Key: out.key! }));
    expect(head.ServerSideEncryption).toBe('aws:kms');
    expect(head.SSEKMSKeyId).toBe(KMS_KEY);
  });

  it('fails the pipeline at Validate with every violation listed', async () => {
    // Act
    const { execution, actions } = await runPipeline(
      'artifacts-invalid',
      { required: ['missing.txt'], schemas: { 'config/app.json': 'schemas/none.json' }, maxBytes: 10 },
      false,
    );

    // Assess
    expect(execution.status).toBe('Failed');
    expect(actions.Validate.status).toBe('Failed');
    expect(actions.Render).toBeUndefined();
    expect(actions.Validate.output?.executionResult?.externalExecutionSummary).toMatch(
      /^Artifact "SourceOutput" failed validation with 3 violation\(s\):\n- the artifact holds \d+ bytes uncompressed, more than maxBytes 10\n- required path "missing.txt" is missing\n- schema "schemas\/none.json" is missing$/,
    );
  });
});
