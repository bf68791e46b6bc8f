import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceError } from './errors.js';
import { errorResponse, handleJsonRequest, type JsonResponse } from './protocol/json-protocol.js';
import { accessKeyIdOf, verifySigV4, type SigV4Credentials } from './protocol/sigv4.js';
import type { Router } from './router.js';

export { Router, type RouteHandler, type RouteParams } from './router.js';

/** Per-request facts the API dispatcher gets besides the operation and its input. */
export interface ApiRequestMeta {
  readonly requestId: string;
  /** Access key id of the SigV4 Authorization header (verified only with `verifySigv4`). */
  readonly callerAccessKeyId?: string;
}

/** Runs one validated CodePipeline operation (the operation table behind the protocol layer). */
export type ApiDispatcher = (
  operation: string,
  input: unknown,
  meta: ApiRequestMeta,
) => Promise<unknown> | unknown;

/** Answers one S3 request (path-style `/bucket/key` or virtual-host `<bucket>.localhost`). */
export type S3RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** Options of {@link startServer}. */
export interface LocalServerOptions {
  /** Interface to bind. @default '127.0.0.1' */
  readonly host?: string;
  /** Port; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** CodePipeline operations (requests with `X-Amz-Target`). */
  readonly api: ApiDispatcher;
  /** Routes under `/_cpkit/`. */
  readonly router: Router;
  /** Everything else. @default - S3's XML `NotImplemented` error, HTTP 501 */
  readonly s3?: S3RequestHandler;
  /** When set, API requests must carry a valid SigV4 signature of this key pair. @default - not checked */
  readonly verifySigv4?: SigV4Credentials;
  /** Largest accepted API body. @default 4 MiB */
  readonly maxApiBodyBytes?: number;
  /** An API body that stalls this long is answered 408 and the connection closed. @default 10000 */
  readonly bodyIdleTimeoutMs?: number;
  /** Time allowed for the request line and headers. @default 10000 */
  readonly headersTimeoutMs?: number;
}

/** A listening server. */
export interface LocalServer {
  readonly host: string;
  readonly port: number;
  /** e.g. `http://127.0.0.1:4566` */
  readonly url: string;
  readonly server: Server;
  /** Stops accepting, lets in-flight requests finish (at most `graceMs`), then closes every connection. */
  close(graceMs?: number): Promise<void>;
}

const DEFAULT_MAX_API_BODY = 4 * 1024 * 1024;
const DRAIN_FACTOR = 16;

/**
 * Starts the one-port HTTP server of the local engine: `X-Amz-Target` -> CodePipeline (JSON 1.1),
 * `/_cpkit/...` -> the router, anything else -> the S3 handler. Keep-alive is on; headers and bodies
 * are time-bounded; API bodies are size-bounded (413 `RequestEntityTooLargeException`).
 *
 * @example
 * const server = await startServer({ api: (op, input) => table[op](input, ctx), router: new Router() });
 * console.log(server.url); // http://127.0.0.1:41234
 * await server.close();
 */
export async function startServer(options: LocalServerOptions): Promise<LocalServer> {
  const host = options.host ?? '127.0.0.1';
  let closing = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  const server = createServer({ keepAlive: true }, (req, res) => {
    inFlight++;
    res.on('close', () => {
      inFlight--;
      if (inFlight === 0) drained?.();
    });
    if (closing) res.setHeader('connection', 'close');
    route(req, res, options).catch((err: unknown) => {
      process.stderr.write(
        `[cpkit] request failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      if (!res.headersSent) {
        const answer = errorResponse(err, randomUUID());
        res.writeHead(answer.status, answer.headers).end(answer.body);
      } else {
        res.destroy();
      }
    });
  });
  server.headersTimeout = options.headersTimeoutMs ?? 10_000;
  server.requestTimeout = 0; // large S3 uploads may take long; API bodies have their own idle timer
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    host,
    port,
    url: `http://${urlHost}:${port}`,
    server,
    close: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        closing = true;
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
        const finish = () => server.closeAllConnections();
        if (inFlight === 0) finish();
        else drained = finish;
      }),
  };
}

async function route(req: IncomingMessage, res: ServerResponse, options: LocalServerOptions): Promise<void> {
  if (req.headers['x-amz-target'] !== undefined) return handleApi(req, res, options);
  const url = new URL(req.url ?? '/', 'http://localhost'); // API requests never need it
  if (url.pathname.startsWith('/_cpkit/')) return handleInternal(req, res, url, options.router);
  if (options.s3) return options.s3(req, res);
  req.resume();
  return s3NotImplemented(res, url.pathname);
}

async function handleApi(
  req: IncomingMessage,
  res: ServerResponse,
  options: LocalServerOptions,
): Promise<void> {
  const requestId = randomUUID();
  const max = options.maxApiBodyBytes ?? DEFAULT_MAX_API_BODY;
  let body: Buffer;
  try {
    body = await readBody(req, max, options.bodyIdleTimeoutMs ?? 10_000);
  } catch (err) {
    if (err instanceof ServiceError)
      return send(res, errorResponse(err, requestId), err.type !== 'RequestEntityTooLargeException');
    res.destroy(); // the client went away
    return;
  }
  const target = headerValue(req, 'x-amz-target');
  const authorization = headerValue(req, 'authorization');
  if (options.verifySigv4) {
    try {
      await verifySigV4(
        { method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body },
        options.verifySigv4,
      );
    } catch (err) {
      return send(res, errorResponse(err, requestId));
    }
  }
  const meta: ApiRequestMeta = { requestId, callerAccessKeyId: accessKeyIdOf(authorization) };
  const answer = await handleJsonRequest(
    { target, contentType: headerValue(req, 'content-type'), body },
    (operation, input) => options.api(operation, input, meta),
    requestId,
  );
  send(res, answer);
}

function tooLarge(size: number, max: number): ServiceError {
  return new ServiceError(
    'RequestEntityTooLargeException',
    `Request body of ${size} bytes exceeds the limit of ${max} bytes`,
  );
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function send(res: ServerResponse, answer: JsonResponse, closeConnection = false): void {
  if (res.headersSent) return;
  const headers = closeConnection ? { ...answer.headers, connection: 'close' } : answer.headers;
  res.writeHead(answer.status, headers).end(answer.body);
}

/**
 * Reads a body up to `max` bytes; a stall longer than `idleMs` is a RequestTimeoutException. A larger
 * body is drained (so the client can read the 413 instead of a reset connection) up to `DRAIN_FACTOR`
 * times the limit, beyond which the connection is dropped.
 */
function readBody(req: IncomingMessage, max: number, idleMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(onIdle, idleMs);
    function onIdle(): void {
      cleanup();
      reject(new ServiceError('RequestTimeoutException', `No request body data received for ${idleMs} ms`));
    }
    function cleanup(): void {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onError);
    }
    function onData(chunk: Buffer): void {
      size += chunk.length;
      timer.refresh(); // restart the idle timer without a new timer object per chunk
      if (size > max * DRAIN_FACTOR) {
        cleanup();
        reject(new Error('request body far over the limit'));
        return;
      }
      if (size <= max) chunks.push(chunk);
      else chunks.length = 0;
    }
    function onEnd(): void {
      cleanup();
      if (size > max) reject(tooLarge(size, max));
      else resolve(Buffer.concat(chunks));
    }
    function onError(): void {
      cleanup();
      reject(new Error('request aborted'));
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onError);
  });
}

async function handleInternal(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  router: Router,
): Promise<void> {
  const match = router.match(req.method ?? 'GET', url.pathname);
  if (match.kind === 'found') return match.handler(req, res, match.params, url);
  const status = match.kind === 'method-not-allowed' ? 405 : 404;
  const message =
    match.kind === 'method-not-allowed'
      ? `${req.method} is not allowed on ${url.pathname} (allowed: ${match.allowed.join(', ')})`
      : `No codepipeline-kit route for ${req.method} ${url.pathname}`;
  const body = JSON.stringify({ message });
  req.resume();
  res
    .writeHead(status, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      ...(match.kind === 'method-not-allowed' ? { allow: match.allowed.join(', ') } : {}),
    })
    .end(body);
}

function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** S3's XML error for functionality this server does not have (until the S3 store is wired in). */
function s3NotImplemented(res: ServerResponse, resource: string): void {
  const requestId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<Error><Code>NotImplemented</Code>' +
    '<Message>The S3 artifact store is not implemented by codepipeline-kit local yet</Message>' +
    `<Resource>${xmlEscape(resource)}</Resource><RequestId>${requestId}</RequestId></Error>`;
  res
    .writeHead(501, {
      'content-type': 'application/xml',
      'content-length': String(Buffer.byteLength(body)),
      'x-amz-request-id': requestId,
      'x-amz-id-2': Buffer.from(requestId).toString('base64'),
    })
    .end(body);
}
