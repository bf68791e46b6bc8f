import {
  CodePipelineClient,
  CodePipelineServiceException,
  GetPipelineCommand,
  ListPipelinesCommand,
  ValidationException,
} from '@aws-sdk/client-codepipeline';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  codePipelineClient,
  removeDir,
  runCli,
  spawnServe,
  tempDir,
  type SpawnedServe,
} from '../helpers/local-server.js';

describe('Command: cpkit serve', () => {
  let dir: string;
  let serve: SpawnedServe;
  let client: CodePipelineClient;

  beforeAll(async () => {
    dir = tempDir();
    serve = await spawnServe(['--port', '0', '--data-dir', dir]);
    client = codePipelineClient(serve.endpoint);
  });
  afterAll(async () => {
    client?.destroy();
    await serve?.stop('SIGKILL');
    removeDir(dir);
  });

  it('prints the data dir, then the listening line with the real port', () => {
    // Assess
    const lines = serve.stdout().trim().split('\n');
    expect(lines[0]).toBe(`data dir: ${dir}`);
    expect(lines[1]).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    expect(serve.port).toBeGreaterThan(0);
  });

  it('answers a ValidationException that the SDK maps to its modeled class', async () => {
    // Act
    const err = await client.send(new GetPipelineCommand({ name: 'bad name' })).catch((e: unknown) => e);

    // Assess
    expect(err).toBeInstanceOf(ValidationException);
    expect((err as ValidationException).$metadata.httpStatusCode).toBe(400);
    expect((err as ValidationException).message).toContain("at 'name' failed to satisfy constraint");
    expect((err as ValidationException).$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers UnknownOperationException and SerializationException on the raw wire', async () => {
    // Act
    const post = (target: string, body: string) =>
      fetch(serve.endpoint, {
        method: 'POST',
        headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' },
        body,
      });
    const unknown = await post('CodePipeline_20150709.LaunchRocket', '{}');
    const notJson = await post('CodePipeline_20150709.ListPipelines', '{not json');

    // Assess
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { __type: string }).__type).toBe('UnknownOperationException');
    expect(unknown.headers.get('x-amzn-requestid')).toBeTruthy();
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { __type: string }).__type).toBe('SerializationException');
  });

  it('answers an unknown operation through the SDK as a service exception', async () => {
    // Prepare: the SDK's own protocol stack, with the target rewritten to an operation the model lacks
    const sdk = codePipelineClient(serve.endpoint);
    sdk.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-amz-target'] =
          'CodePipeline_20150709.LaunchRocket';
        return next(args);
      },
      { step: 'build' },
    );

    // Act
    const err = await sdk.send(new ListPipelinesCommand({})).catch((e: unknown) => e);
    sdk.destroy();

    // Assess
    expect(err).toBeInstanceOf(CodePipelineServiceException);
    expect((err as CodePipelineServiceException).name).toBe('UnknownOperationException');
    expect((err as CodePipelineServiceException).$metadata.httpStatusCode).toBe(400);
  });

  it('answers S3 requests with S3 NotImplemented XML until the store is wired', async () => {
    // Act
    const res = await fetch(`${serve.endpoint}/some-bucket/some/key`);
    const body = await res.text();

    // Assess
    if (res.status === 501) {
      expect(body).toContain('<Code>NotImplemented</Code>');
      expect(body).toMatch(/<RequestId>[^<]+<\/RequestId>/);
      expect(res.headers.get('x-amz-request-id')).toBeTruthy();
    } else {
      // the S3 store is wired: it answers with S3's XML (e.g. NoSuchBucket), never a JSON error
      expect(body).toContain('<Error>');
    }
  });

  it('answers 413 for an API body over the limit', async () => {
    // Act
    const res = await fetch(serve.endpoint, {
      method: 'POST',
      headers: {
        'x-amz-target': 'CodePipeline_20150709.ListPipelines',
        'content-type': 'application/x-amz-json-1.1',
      },
      body: 'x'.repeat(5 * 1024 * 1024),
    });

    // Assess
    expect(res.status).toBe(413);
    expect(((await res.json()) as { __type: string }).__type).toBe('RequestEntityTooLargeException');
  });

  it('refuses a second server on the same data dir with a clear message', async () => {
    // Act
    const second = await runCli(['serve', '--port', '0', '--data-dir', dir]);

    // Assess
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`data dir ${dir} is in use by process ${serve.child.pid}`);
  });

  it('exits 0 on SIGTERM and releases the lock', async () => {
    // Prepare
    const other = tempDir();
    const running = await spawnServe(['--port', '0', '--data-dir', other]);

    // Act
    const code = await running.stop('SIGTERM');

    // Assess
    expect(code).toBe(0);
    expect(existsSync(join(other, 'cpkit.lock'))).toBe(false);
    removeDir(other);
  });
});

describe('Command: cpkit serve (bad flags)', () => {
  it.each([
    [['--port', 'abc'], '--port must be an integer'],
    [['--port', '70000'], '--port must be an integer'],
    [['--verify-sigv4', 'nocolon'], '--verify-sigv4 must be KEYID:SECRET'],
    [['--functions', '/nonexistent/functions.json'], '--functions: file not found'],
    [['--cdk-out', '/nonexistent/cdk.out'], '--cdk-out: directory not found'],
    [['--region', 'mars'], '--region must look like'],
    [['--no-such-flag'], "unknown option '--no-such-flag'"],
  ])('exits 2 for %j', async (args, message) => {
    // Act
    const result = await runCli(['serve', ...args]);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('exits 2 for a --cdk-out directory without manifest.json', async () => {
    // Prepare
    const dir = tempDir();
    mkdirSync(join(dir, 'cdk.out'));
    writeFileSync(join(dir, 'cdk.out', 'other.json'), '{}');

    // Act
    const result = await runCli(['serve', '--cdk-out', join(dir, 'cdk.out')]);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('has no manifest.json');
    removeDir(dir);
  });
});
