import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';

/**
 * A minimal SigV4-signed AWS JSON 1.1 call (`X-Amz-Target`), for the two reads the approval handlers need
 * (Secrets Manager GetSecretValue, SSM GetParameter) without shipping two more SDK clients in every bundle.
 * Credentials come from the environment, as Lambda provides them (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
 * `AWS_SESSION_TOKEN`); the endpoint honours `AWS_ENDPOINT_URL_<SERVICE>` and `AWS_ENDPOINT_URL` like the SDK.
 * Response bodies are never logged or put into error messages (they hold secrets).
 * @internal
 */

type SourceData = string | ArrayBuffer | ArrayBufferView;

function toBytes(data: SourceData): Uint8Array | string {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/** SHA-256 for SignatureV4 on node:crypto (a keyed instance is an HMAC). */
class NodeSha256 {
  private hash: Hash | Hmac;
  private readonly secret?: Uint8Array | string;
  constructor(secret?: SourceData) {
    this.secret = secret === undefined ? undefined : toBytes(secret);
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }
  update(data: SourceData): void {
    this.hash.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

/** An AWS JSON 1.1 call failed; `name` is AWS's error shape (e.g. `ResourceNotFoundException`). */
export class AwsJsonRequestError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
    this.name = errorType;
  }
}

/** One AWS JSON 1.1 call. */
export interface AwsJsonRequest {
  /** Signing name, e.g. `secretsmanager` or `ssm`. */
  readonly signingName: string;
  /** Environment suffix of the endpoint override, e.g. `SECRETS_MANAGER` for `AWS_ENDPOINT_URL_SECRETS_MANAGER`. */
  readonly endpointEnvSuffix: string;
  /** Full target, e.g. `secretsmanager.GetSecretValue`. */
  readonly target: string;
  readonly body: Record<string, unknown>;
  /** @default - AWS_REGION, else AWS_DEFAULT_REGION, else the region in an ARN passed by the caller */
  readonly region?: string;
  /** @default 5000 */
  readonly timeoutMs?: number;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

const RETRYABLE_TYPES = new Set(['ThrottlingException', 'TooManyRequestsException', 'ServiceUnavailable']);
const MAX_ATTEMPTS = 3;

function endpointFor(req: AwsJsonRequest, region: string, env: NodeJS.ProcessEnv): URL {
  const override = env[`AWS_ENDPOINT_URL_${req.endpointEnvSuffix}`] || env.AWS_ENDPOINT_URL;
  if (override) return new URL(override);
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return new URL(`https://${req.signingName}.${region}.${suffix}/`);
}

/**
 * Sends one signed AWS JSON 1.1 request and returns the parsed response; retries throttling and 5xx twice.
 * @throws AwsJsonRequestError with AWS's error type, or an Error when credentials or the region are missing.
 * @internal
 *
 * @example
 * const out = await awsJsonRequest({ signingName: 'ssm', endpointEnvSuffix: 'SSM', target: 'AmazonSSM.GetParameter', body: { Name: '/x' } });
 */
export async function awsJsonRequest<T = Record<string, unknown>>(req: AwsJsonRequest): Promise<T> {
  const env = req.env ?? process.env;
  const region = req.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new Error(`${req.target}: no region (set AWS_REGION)`);
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error(
      `${req.target}: no credentials in the environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)`,
    );
  }
  const endpoint = endpointFor(req, region, env);
  const signer = new SignatureV4({
    service: req.signingName,
    region,
    sha256: NodeSha256,
    credentials: { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined },
  });
  const body = JSON.stringify(req.body);
  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const signed = await signer.sign({
      method: 'POST',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      port: endpoint.port ? Number(endpoint.port) : undefined,
      path: endpoint.pathname || '/',
      headers: {
        host: endpoint.host,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': req.target,
      },
      body,
    });
    let response: Response;
    try {
      response = await fetch(new URL(endpoint.pathname || '/', endpoint), {
        method: 'POST',
        headers: signed.headers,
        body,
        signal: AbortSignal.timeout(req.timeoutMs ?? 5000),
      });
    } catch (err) {
      lastError = new Error(`${req.target}: request to ${endpoint.host} failed: ${(err as Error).message}`);
      continue;
    }
    const text = await response.text();
    if (response.ok) {
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new Error(`${req.target}: response from ${endpoint.host} is not JSON`);
      }
    }
    let type = `Http${response.status}`;
    let message = `HTTP ${response.status}`;
    try {
      const parsed = JSON.parse(text) as { __type?: string; message?: string; Message?: string };
      if (parsed.__type) type = parsed.__type.split('#').pop() ?? type;
      message = parsed.message ?? parsed.Message ?? message;
    } catch {
      // not JSON: keep the status only
    }
    lastError = new AwsJsonRequestError(type, `${req.target}: ${type}: ${message}`, response.status);
    if (!(response.status >= 500 || RETRYABLE_TYPES.has(type))) throw lastError;
    await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
  }
  throw lastError ?? new Error(`${req.target}: failed`);
}
