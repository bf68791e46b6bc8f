import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ExecutionEngine } from '../engine/execution-engine.js';
import type { RouteHandler } from '../router.js';
import type { ApiContext } from './operation.js';

/** Largest request body a function URL accepts (Lambda's synchronous payload limit is 6 MB). */
export const MAX_FUNCTION_URL_BODY = 6 * 1024 * 1024;

const TEXT_TYPES = /^(text\/|application\/(json|xml|x-www-form-urlencoded|javascript)|[^;]*\+(json|xml))/i;

/**
 * The Lambda Function URL event (payload format 2.0) for a request to `/_cpkit/functions/<name>/<rest>`:
 * `rawPath` is `/<rest>`, as the function would see it behind its own URL.
 */
export function functionUrlEvent(
  req: IncomingMessage,
  url: URL,
  rest: string,
  body: Buffer,
  now: Date,
): Record<string, unknown> {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    if (k === 'cookie') cookies.push(...String(v).split(/;\s*/).filter(Boolean));
    else headers[k] = Array.isArray(v) ? v.join(',') : v;
  }
  const contentType = headers['content-type'] ?? '';
  const isText = body.length === 0 || TEXT_TYPES.test(contentType);
  const rawPath = `/${rest}`;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: url.search.replace(/^\?/, ''),
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !isText,
  };
}

/**
 * `* /_cpkit/functions/:name/*`: serves a function like its Lambda Function URL (auth NONE): the request becomes
 * a payload 2.0 event, the function is invoked synchronously, and its result becomes the response
 * (`{statusCode, headers, body, isBase64Encoded, cookies}`, or any other value as a 200 JSON body).
 * An unknown function is 404; a function error or timeout is 502, as Lambda answers.
 *
 * @example
 * router.add('*', '/_cpkit/functions/:name/*', functionUrlRoute(context));
 */
export function functionUrlRoute(ctx: ApiContext): RouteHandler {
  return async (req, res, params, url) => {
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const engine = ctx.services.engine as ExecutionEngine | undefined;
    const fn = engine?.functions().find((f) => f.name === params.name);
    if (!engine || !fn) {
      json(404, { Message: `Function not found: ${params.name}` });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_FUNCTION_URL_BODY) {
        json(413, { Message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation' });
        req.destroy();
        return;
      }
      chunks.push(chunk);
    }
    const event = functionUrlEvent(req, url, params['*'] ?? '', Buffer.concat(chunks), ctx.now());
    const result = await engine.runtime.invoke(fn, event);
    if (!result.ok) {
      json(502, { Message: 'Internal Server Error' });
      return;
    }
    const value = result.value as Record<string, unknown> | string | undefined | null;
    if (value && typeof value === 'object' && typeof value.statusCode === 'number') {
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries((value.headers as Record<string, unknown>) ?? {}))
        headers[k] = String(v);
      if (Array.isArray(value.cookies) && value.cookies.length)
        headers['set-cookie'] = value.cookies.map(String);
      const raw = typeof value.body === 'string' ? value.body : '';
      const body = value.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['content-type'] = 'application/json';
      }
      res.writeHead(value.statusCode, headers).end(body);
      return;
    }
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(typeof value === 'string' ? value : JSON.stringify(value ?? null));
  };
}
