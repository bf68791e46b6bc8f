import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadApprovalSigningSecret } from '../../lambdas/toolkit/approval-secret.js';
import { awsJsonRequest } from '../../lambdas/toolkit/aws-json-request.js';

/**
 * The approval handlers read the signing secret (Secrets Manager) and the policy (SSM) with a minimal SigV4
 * JSON 1.1 client instead of two SDK clients. This proves those requests against moto's implementations of both
 * services, with the values written by an independent client (boto3).
 */

let moto: ChildProcess;
let endpoint: string;
let secretArn: string;
const SECRET = 'moto-approval-secret-0123456789abcdef0123456789';
const POLICY = '{"rules":[{"name":"always","type":"window","from":"00:00","to":"24:00"}]}';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  const port = await freePort();
  endpoint = `http://127.0.0.1:${port}`;
  moto = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  for (let i = 0; ; i++) {
    try {
      await fetch(`${endpoint}/moto-api/`);
      break;
    } catch (e) {
      if (i > 150) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const script = `
import boto3, sys
kw = dict(endpoint_url=sys.argv[1], region_name='eu-west-1', aws_access_key_id='test', aws_secret_access_key='test')
sm = boto3.client('secretsmanager', **kw)
print(sm.create_secret(Name='approval-links', SecretString=sys.argv[2])['ARN'])
boto3.client('ssm', **kw).put_parameter(Name='/cpkit/approval-policy', Value=sys.argv[3], Type='SecureString')
`;
  secretArn = execFileSync('python3', ['-c', script, endpoint, SECRET, POLICY], { encoding: 'utf8' }).trim();
}, 60_000);

afterAll(() => {
  moto?.kill('SIGTERM');
});

const env = () => ({
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_REGION: 'eu-west-1',
  AWS_ENDPOINT_URL: endpoint,
});

describe('Function: loadApprovalSigningSecret (against moto)', () => {
  it('reads the SecretString of the secret named by APPROVAL_SECRET_ARN', async () => {
    // Act
    const secret = await loadApprovalSigningSecret({ ...env(), APPROVAL_SECRET_ARN: secretArn });
    // Assess
    expect(secretArn).toMatch(/^arn:aws:secretsmanager:eu-west-1:\d{12}:secret:approval-links-/);
    expect(secret).toBe(SECRET);
  });

  it('reports a missing secret with AWS error type and the ARN', async () => {
    // Prepare
    const missing = secretArn.replace('approval-links', 'no-such-secret');
    // Act / Assess
    await expect(loadApprovalSigningSecret({ ...env(), APPROVAL_SECRET_ARN: missing })).rejects.toThrow(
      /no-such-secret.*ResourceNotFoundException/,
    );
  });
});

describe('Function: awsJsonRequest (against moto)', () => {
  it('reads a SecureString parameter with AmazonSSM.GetParameter', async () => {
    // Act
    const out = await awsJsonRequest<{ Parameter: { Value: string; Type: string } }>({
      signingName: 'ssm',
      endpointEnvSuffix: 'SSM',
      target: 'AmazonSSM.GetParameter',
      body: { Name: '/cpkit/approval-policy', WithDecryption: true },
      env: env(),
    });
    // Assess
    expect(out.Parameter).toMatchObject({ Value: POLICY, Type: 'SecureString' });
  });
});
