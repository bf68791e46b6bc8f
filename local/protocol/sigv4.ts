import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac, timingSafeEqual, type Hash, type Hmac } from 'node:crypto';
import { ServiceError } from '../errors.js';

/** The one key pair `--verify-sigv4 KEYID:SECRET` accepts. */
export interface SigV4Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** What the verifier needs of an incoming request. */
export interface SignedRequest {
  readonly method: string;
  /** Path and query as received, e.g. `/` or `/bucket/key?uploads`. */
  readonly url: string;
  /** Node's lower-cased header bag. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Uint8Array;
}

type SourceData = string | ArrayBuffer | ArrayBufferView;

function toBuffer(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** SHA-256 / HMAC-SHA256 over node:crypto in the shape @smithy/signature-v4 expects. */
class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = secret ? createHmac('sha256', toBuffer(secret)) : createHash('sha256');
  }
  update(data: SourceData): void {
    this.hash.update(toBuffer(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.secret ? createHmac('sha256', toBuffer(this.secret)) : createHash('sha256');
  }
}

const AUTH =
  /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)\s*$/;
const MAX_SKEW_MS = 15 * 60 * 1000;

function header(headers: SignedRequest['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** The access key id of a SigV4 Authorization header, when there is one (never verified here). */
export function accessKeyIdOf(authorization: string | undefined): string | undefined {
  const m = /Credential=([^/,\s]+)\//.exec(authorization ?? '');
  return m?.[1];
}

function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
}

/**
 * Verifies the SigV4 signature of a request by recomputing it with @smithy/signature-v4 from the
 * configured secret, as AWS does. Throws AWS's errors (all HTTP 400 on JSON services):
 * `MissingAuthenticationTokenException` (no Authorization header), `IncompleteSignatureException`
 * (malformed header), `UnrecognizedClientException` (unknown access key),
 * `InvalidSignatureException` (signature mismatch or more than 15 minutes of clock skew).
 *
 * @example
 * await verifySigV4({ method: req.method, url: req.url, headers: req.headers, body }, { accessKeyId: 'AKID', secretAccessKey: 'SECRET' });
 */
export async function verifySigV4(
  request: SignedRequest,
  credentials: SigV4Credentials,
  now = new Date(),
): Promise<void> {
  const authorization = header(request.headers, 'authorization');
  if (!authorization) {
    throw new ServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const m = AUTH.exec(authorization);
  if (!m) {
    throw new ServiceError(
      'IncompleteSignatureException',
      `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization=${authorization.split(' ')[0]}`,
    );
  }
  const [, credential, signedHeaderList, signature] = m;
  const [accessKeyId, , region, service] = credential.split('/');
  if (accessKeyId !== credentials.accessKeyId) {
    throw new ServiceError(
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    );
  }
  const amzDate = header(request.headers, 'x-amz-date');
  const signingDate = amzDate ? parseAmzDate(amzDate) : undefined;
  if (!signingDate || !region || !service) {
    throw new ServiceError(
      'IncompleteSignatureException',
      'Date must be in ISO-8601 basic format and the credential scope must be complete.',
    );
  }
  if (Math.abs(now.getTime() - signingDate.getTime()) > MAX_SKEW_MS) {
    throw new ServiceError(
      'InvalidSignatureException',
      `Signature expired: ${amzDate} is now earlier than ${new Date(now.getTime() - MAX_SKEW_MS).toISOString()} (${now.toISOString()} - 15 min.)`,
    );
  }
  const signed = new Set(signedHeaderList.split(';'));
  const headers: Record<string, string> = {};
  for (const name of signed) {
    const value = header(request.headers, name);
    if (value !== undefined) headers[name] = value;
  }
  const url = new URL(request.url, 'http://localhost');
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const signer = new SignatureV4({
    credentials,
    region,
    service,
    sha256: NodeSha256,
    applyChecksum: false,
    uriEscapePath: service !== 's3',
  });
  const resigned = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: (headers.host ?? 'localhost').split(':')[0],
      path: url.pathname,
      query,
      headers,
      body: request.body,
    },
    { signingDate, signingRegion: region, signingService: service, signableHeaders: signed },
  );
  const expected = AUTH.exec(String(resigned.headers.authorization))?.[3] ?? '';
  const a = Buffer.from(expected);
  const b = Buffer.from(signature);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new ServiceError(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
}

/** Parses `KEYID:SECRET` (the value of --verify-sigv4); undefined when malformed. */
export function parseSigV4Flag(value: string): SigV4Credentials | undefined {
  const i = value.indexOf(':');
  if (i <= 0 || i === value.length - 1) return undefined;
  return { accessKeyId: value.slice(0, i), secretAccessKey: value.slice(i + 1) };
}
