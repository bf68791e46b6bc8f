import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApprovalSecretError,
  loadApprovalSigningSecret,
} from '../../../../lambdas/toolkit/approval-secret.js';

const SECRET = 'from-secrets-manager-0123456789abcdef0123456789';
const requests: { headers: IncomingHttpHeaders; body: string }[] = [];
let server: Server;
let endpoint: string;
let failNext = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push({ headers: req.headers, body });
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (failNext > 0) {
        failNext--;
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: 'no such secret' }));
        return;
      }
      res.end(JSON.stringify({ ARN: JSON.parse(body).SecretId, SecretString: SECRET }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const creds = {
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI',
  AWS_SESSION_TOKEN: 'sess',
};

describe('Function: loadApprovalSigningSecret', () => {
  it('reads the secret from Secrets Manager with a SigV4-signed GetSecretValue, once per container', async () => {
    // Prepare
    requests.length = 0;
    const env = {
      ...creds,
      APPROVAL_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:gate-AbCdEf',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
    };
    // Act
    const first = await loadApprovalSigningSecret(env);
    const second = await loadApprovalSigningSecret(env);
    // Assess
    expect(first).toBe(SECRET);
    expect(second).toBe(SECRET);
    expect(requests).toHaveLength(1);
    const { headers, body } = requests[0];
    expect(headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
    expect(headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/secretsmanager\/aws4_request, SignedHeaders=[^,]*x-amz-target/,
    );
    expect(headers['x-amz-security-token']).toBe('sess');
    expect(JSON.parse(body)).toEqual({ SecretId: env.APPROVAL_SECRET_ARN });
  });

  it('names the secret and the AWS error when the read fails, and tries again next time', async () => {
    // Prepare
    failNext = 1;
    const env = {
      ...creds,
      AWS_REGION: 'eu-west-1',
      APPROVAL_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:missing-XyZ',
      AWS_ENDPOINT_URL: endpoint,
    };
    // Act / Assess
    await expect(loadApprovalSigningSecret(env)).rejects.toThrow(
      /missing-XyZ: secretsmanager.GetSecretValue: ResourceNotFoundException: no such secret/,
    );
    await expect(loadApprovalSigningSecret(env)).resolves.toBe(SECRET);
  });

  it('reads the secret from the environment or a file, and refuses a short one', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'cpkit-secret-'));
    const file = join(dir, 'secret');
    writeFileSync(file, '  file-secret-0123456789abcdef0123456789abcdef\n');
    try {
      // Act / Assess
      await expect(loadApprovalSigningSecret({ APPROVAL_SECRET_FILE: file })).resolves.toBe(
        'file-secret-0123456789abcdef0123456789abcdef',
      );
      await expect(loadApprovalSigningSecret({ APPROVAL_SECRET: 'x'.repeat(40) })).resolves.toBe(
        'x'.repeat(40),
      );
      await expect(loadApprovalSigningSecret({ APPROVAL_SECRET: 'short' })).rejects.toThrow(
        /shorter than 32/,
      );
      await expect(loadApprovalSigningSecret({ APPROVAL_SECRET_FILE: join(dir, 'nope') })).rejects.toThrow(
        ApprovalSecretError,
      );
      await expect(loadApprovalSigningSecret({})).rejects.toThrow(/No approval signing secret configured/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
