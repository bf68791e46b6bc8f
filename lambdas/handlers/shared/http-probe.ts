/**
 * One HTTP check of a URL, shared by the http-check and wait-for handlers: status, optional body text,
 * a time limit, and a message that says what was expected and what came back.
 *
 * Built on node:http / node:https rather than global `fetch`: the AWS SDK loads those modules anyway,
 * while the first `fetch` of a process compiles undici and instantiates its WebAssembly parser
 * (50-100 ms of a cold start, more under load; see bench/RESULTS.md).
 */
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';

/** What to check. */
export interface ProbeSpec {
  readonly url: string;
  readonly expectStatus: number;
  readonly bodyContains?: string;
  readonly timeoutMs: number;
  /** Aborts the request (the job's time budget). */
  readonly signal?: AbortSignal;
}

/** What came back. */
export interface ProbeResult {
  readonly ok: boolean;
  /** HTTP status, when a response arrived. */
  readonly status?: number;
  readonly latencyMs: number;
  /** Why the check did not pass (absent when ok). */
  readonly problem?: string;
}

/** Bodies are read up to this many bytes when `bodyContains` is set. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Redirects followed before the check fails (the same limit as `fetch`). */
const MAX_REDIRECTS = 20;

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/**
 * The URL as shown in summaries and messages: no user info, and the query replaced by `?...` (either may
 * hold a secret).
 */
export function displayUrl(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}${u.search ? '?...' : ''}`;
}

/** Sends one GET and judges the response against the spec. Never throws for network errors. */
export async function probeUrl(spec: ProbeSpec): Promise<ProbeResult> {
  const started = performance.now();
  const timeout = AbortSignal.timeout(Math.max(1, spec.timeoutMs));
  const signal = spec.signal ? AbortSignal.any([spec.signal, timeout]) : timeout;
  const latency = () => Math.round(performance.now() - started);
  const fail = (problem: string, status?: number): ProbeResult => ({
    ok: false,
    status,
    latencyMs: latency(),
    problem,
  });
  // User info in the URL is sent as basic auth, never as part of the request target.
  const target = new URL(spec.url);
  const headers: OutgoingHttpHeaders = { 'user-agent': 'codepipeline-kit-http-check', accept: '*/*' };
  if (target.username || target.password) {
    const user = decodeURIComponent(target.username);
    const pass = decodeURIComponent(target.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    target.username = '';
    target.password = '';
  }
  try {
    // A 3xx expectation checks the redirect itself, anything else follows it.
    const follow = !(spec.expectStatus >= 300 && spec.expectStatus < 400);
    const response = await getFollowing(target, headers, follow, signal);
    const status = response.statusCode ?? 0;
    if (status !== spec.expectStatus) {
      response.destroy();
      return fail(`expected HTTP ${spec.expectStatus}, got ${status}`, status);
    }
    if (spec.bodyContains !== undefined) {
      const body = await readText(response, MAX_BODY_BYTES);
      if (!body.includes(spec.bodyContains)) {
        const start = body.slice(0, 200).replace(/\s+/g, ' ');
        return fail(
          `expected the body to contain ${JSON.stringify(spec.bodyContains)}; it did not (HTTP ${status}, ${body.length} chars, starting ${JSON.stringify(start)})`,
          status,
        );
      }
    } else {
      response.destroy();
    }
    return { ok: true, status, latencyMs: latency() };
  } catch (err) {
    if (timeout.aborted) {
      return fail(`expected HTTP ${spec.expectStatus}, got no response within ${spec.timeoutMs} ms`);
    }
    if (spec.signal?.aborted) return fail('the check was cut short by the function timeout');
    const e = err as { code?: unknown; message?: string };
    // Messages may quote the URL (with its query): show it the way summaries do.
    const detail = String(typeof e.code === 'string' ? e.code : e.message)
      .split(spec.url)
      .join(displayUrl(spec.url))
      .split(target.toString())
      .join(displayUrl(spec.url));
    return fail(`expected HTTP ${spec.expectStatus}, the request failed: ${detail}`);
  }
}

/**
 * GETs `url`, following redirects like `fetch` does when `follow` is set: at most 20, to http(s) only,
 * and the authorization header is dropped when a redirect leaves the origin.
 */
async function getFollowing(
  url: URL,
  headers: OutgoingHttpHeaders,
  follow: boolean,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  let current = url;
  for (let redirects = 0; ; redirects++) {
    const response = await get(current, headers, signal);
    const location = response.headers.location;
    if (!follow || !REDIRECT_STATUSES.has(response.statusCode ?? 0) || location === undefined)
      return response;
    response.destroy();
    if (redirects >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
    const next = URL.canParse(location, current.href) ? new URL(location, current) : undefined;
    if (!next || (next.protocol !== 'http:' && next.protocol !== 'https:')) {
      throw new Error('redirected to a location that is not an http(s) URL');
    }
    if (next.origin !== current.origin) {
      const { authorization: _dropped, ...rest } = headers;
      headers = rest;
    }
    // Credentials inside a Location header are never used (nor shown).
    next.username = '';
    next.password = '';
    current = next;
  }
}

function get(url: URL, headers: OutgoingHttpHeaders, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, { method: 'GET', headers, signal }, resolve);
    request.on('error', reject);
    request.end();
  });
}

/** The body as text, decoded by its content-encoding (a server may compress unasked), cut at `maxBytes`. */
async function readText(response: IncomingMessage, maxBytes: number): Promise<string> {
  const stream = await decoded(response);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      total += (chunk as Buffer).byteLength;
      if (total >= maxBytes) break;
    }
  } finally {
    response.destroy();
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, maxBytes));
}

async function decoded(response: IncomingMessage): Promise<Readable> {
  const encoding = String(response.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  if (encoding === '' || encoding === 'identity') return response;
  // Loaded only for the rare server that compresses although the request did not ask for it.
  const zlib = await import('node:zlib');
  const decoder =
    encoding === 'br'
      ? zlib.createBrotliDecompress()
      : encoding === 'deflate'
        ? zlib.createInflate()
        : encoding === 'gzip' || encoding === 'x-gzip'
          ? zlib.createGunzip()
          : undefined;
  if (!decoder) return response;
  response.on('error', (err) => decoder.destroy(err));
  return response.pipe(decoder);
}

/** Waits `ms`, or less when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
