import { CodePipelineClient, ListPipelinesCommand } from '@aws-sdk/client-codepipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSigV4Flag, verifySigV4 } from '../../../../local/protocol/sigv4.js';
import { startTestServer, type TestLocalServer } from '../../../helpers/local-server.js';

const key = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' };

function client(
  endpoint: string,
  creds: { accessKeyId: string; secretAccessKey: string },
): CodePipelineClient {
  return new CodePipelineClient({ endpoint, region: 'us-east-1', credentials: creds, maxAttempts: 1 });
}

async function errorName(c: CodePipelineClient): Promise<string> {
  const err = await c.send(new ListPipelinesCommand({})).catch((e: unknown) => e);
  c.destroy();
  return err instanceof Error
    ? `${err.name}:${(err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode}`
    : 'ok';
}

describe('Function: verifySigV4', () => {
  let local: TestLocalServer;
  beforeAll(async () => {
    local = await startTestServer({ verifySigv4: key });
  });
  afterAll(() => local.stop());

  it('accepts a request the SDK signed with the configured key (reaching the operation)', async () => {
    // Act
    const outcome = await errorName(client(local.endpoint, key));

    // Assess: past the signature check, the operation answers (implemented, or pending ValidationException)
    expect(['ok', 'ValidationException:400']).toContain(outcome);
  });

  it('rejects a wrong secret with InvalidSignatureException and an unknown key with UnrecognizedClientException', async () => {
    // Act
    const wrongSecret = await errorName(client(local.endpoint, { ...key, secretAccessKey: 'nope' }));
    const wrongKey = await errorName(client(local.endpoint, { ...key, accessKeyId: 'AKIDOTHER' }));

    // Assess
    expect(wrongSecret).toBe('InvalidSignatureException:400');
    expect(wrongKey).toBe('UnrecognizedClientException:400');
  });

  it('rejects an unsigned request and a signature older than 15 minutes', async () => {
    // Prepare
    const body = new Uint8Array();
    const request = { method: 'POST', url: '/', headers: {}, body };

    // Act / Assess
    await expect(verifySigV4(request, key)).rejects.toMatchObject({
      type: 'MissingAuthenticationTokenException',
    });
    await expect(
      verifySigV4(
        {
          ...request,
          headers: {
            authorization: `AWS4-HMAC-SHA256 Credential=${key.accessKeyId}/20200101/us-east-1/codepipeline/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
            'x-amz-date': '20200101T000000Z',
            host: 'localhost',
          },
        },
        key,
      ),
    ).rejects.toMatchObject({
      type: 'InvalidSignatureException',
      message: expect.stringContaining('Signature expired'),
    });
  });
});

describe('Function: parseSigV4Flag', () => {
  it('splits KEYID:SECRET at the first colon and rejects malformed values', () => {
    // Assess
    expect(parseSigV4Flag('AKID:se:cret')).toEqual({ accessKeyId: 'AKID', secretAccessKey: 'se:cret' });
    expect(parseSigV4Flag('AKID')).toBeUndefined();
    expect(parseSigV4Flag(':x')).toBeUndefined();
    expect(parseSigV4Flag('x:')).toBeUndefined();
  });
});
