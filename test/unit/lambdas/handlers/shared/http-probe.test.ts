import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { displayUrl, probeUrl } from '../../../../../lambdas/handlers/shared/http-probe.js';

/** A loopback server whose routes see the request headers; it records every request it gets. */
async function startServer(
  routes: Record<string, (res: ServerResponse, headers: IncomingHttpHeaders) => void>,
) {
  const seen: { path: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    seen.push({ path, headers: req.headers });
    const route = routes[path];
    if (route) route(res, req.headers);
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Server = Awaited<ReturnType<typeof startServer>>;
let main: Server;
let other: Server;

beforeAll(async () => {
  other = await startServer({
    '/landing': (res) => res.writeHead(200).end('landed'),
  });
  main = await startServer({
    '/health': (res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('status: ok'),
    '/redirect': (res) => res.writeHead(302, { location: '/health' }).end(),
    '/away': (res) => res.writeHead(307, { location: `${other.url}/landing` }).end(),
    '/loop': (res) => res.writeHead(301, { location: '/loop' }).end(),
    '/to-ftp': (res) => res.writeHead(302, { location: 'ftp://example.com/x' }).end(),
    '/no-location': (res) => res.writeHead(302).end(),
    '/gzip': (res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('compressed: ready')),
    '/big': (res) => res.writeHead(200).end(`${'x'.repeat(1024 * 1024)}needle`),
    '/trickle': (res) => {
      res.writeHead(200);
      res.write('waiting...');
      const timer = setInterval(() => res.write('.'), 50);
      res.on('close', () => clearInterval(timer));
    },
    '/hang': () => undefined,
  });
});
afterAll(async () => {
  await Promise.all([main.close(), other.close()]);
});
beforeEach(() => {
  main.seen.length = 0;
  other.seen.length = 0;
});

const spec = { expectStatus: 200, timeoutMs: 5_000 };

describe('Function: probeUrl', () => {
  it('passes with the status and latency when the status and body text match', async () => {
    // Act
    const result = await probeUrl({ ...spec, url: `${main.url}/health`, bodyContains: 'ok' });

    // Assess
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(main.seen[0]?.headers['user-agent']).toBe('codepipeline-kit-http-check');
  });

  it('sends URL user info as basic auth, not in the request line', async () => {
    // Prepare
    const url = new URL(`${main.url}/health`);
    url.username = 'ad%3Amin';
    url.password = 'pa55 word';

    // Act
    const result = await probeUrl({ ...spec, url: url.toString() });

    // Assess
    expect(result.ok).toBe(true);
    const expected = `Basic ${Buffer.from('ad:min:pa55 word').toString('base64')}`;
    expect(main.seen[0]?.headers.authorization).toBe(expected);
  });

  it('follows redirects unless a 3xx status is expected', async () => {
    // Act
    const followed = await probeUrl({ ...spec, url: `${main.url}/redirect` });
    const checked = await probeUrl({ ...spec, url: `${main.url}/redirect`, expectStatus: 302 });
    const noLocation = await probeUrl({ ...spec, url: `${main.url}/no-location`, expectStatus: 302 });

    // Assess
    expect(followed).toMatchObject({ ok: true, status: 200 });
    expect(checked).toMatchObject({ ok: true, status: 302 });
    expect(noLocation).toMatchObject({ ok: true, status: 302 });
    expect(main.seen.map((r) => r.path)).toEqual(['/redirect', '/health', '/redirect', '/no-location']);
  });

  it('drops the authorization header when a redirect leaves the origin', async () => {
    // Prepare
    const url = new URL(`${main.url}/away`);
    url.username = 'admin';
    url.password = 'secret';

    // Act
    const result = await probeUrl({ ...spec, url: url.toString(), bodyContains: 'landed' });

    // Assess
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(main.seen[0]?.headers.authorization).toMatch(/^Basic /);
    expect(other.seen[0]?.headers.authorization).toBeUndefined();
  });

  it('fails clearly on a redirect loop and on a redirect to another scheme', async () => {
    // Act
    const loop = await probeUrl({ ...spec, url: `${main.url}/loop` });
    const ftp = await probeUrl({ ...spec, url: `${main.url}/to-ftp` });

    // Assess
    expect(loop.problem).toBe('expected HTTP 200, the request failed: more than 20 redirects');
    expect(main.seen.filter((r) => r.path === '/loop')).toHaveLength(21);
    expect(ftp.problem).toBe(
      'expected HTTP 200, the request failed: redirected to a location that is not an http(s) URL',
    );
  });

  it('reads a compressed body by its content-encoding', async () => {
    const result = await probeUrl({ ...spec, url: `${main.url}/gzip`, bodyContains: 'compressed: ready' });
    expect(result).toMatchObject({ ok: true, status: 200 });
  });

  it('reads at most 1 MiB of the body', async () => {
    const result = await probeUrl({ ...spec, url: `${main.url}/big`, bodyContains: 'needle' });
    expect(result.ok).toBe(false);
    expect(result.problem).toMatch(/it did not \(HTTP 200, 1048576 chars, starting "x{200}"\)$/);
  });

  it('times out while waiting for the response and while reading the body', async () => {
    // Act
    const hang = await probeUrl({ ...spec, url: `${main.url}/hang`, timeoutMs: 150 });
    const trickle = await probeUrl({
      ...spec,
      url: `${main.url}/trickle`,
      timeoutMs: 150,
      bodyContains: 'done',
    });

    // Assess
    expect(hang).toMatchObject({ ok: false, problem: 'expected HTTP 200, got no response within 150 ms' });
    expect(hang.status).toBeUndefined();
    expect(trickle).toMatchObject({ ok: false, problem: 'expected HTTP 200, got no response within 150 ms' });
  });

  it('stops when the caller aborts (the function timeout)', async () => {
    // Prepare
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);

    // Act
    const result = await probeUrl({ ...spec, url: `${main.url}/hang`, signal: controller.signal });

    // Assess
    expect(result).toMatchObject({ ok: false, problem: 'the check was cut short by the function timeout' });
  });

  it('names the network error of a refused connection', async () => {
    // Prepare
    const closed = await startServer({});
    await closed.close();

    // Act
    const result = await probeUrl({ ...spec, url: `${closed.url}/health?token=abc` });

    // Assess
    expect(result).toMatchObject({
      ok: false,
      problem: 'expected HTTP 200, the request failed: ECONNREFUSED',
    });
  });
});

describe('Function: displayUrl', () => {
  it('shows neither user info nor the query', () => {
    expect(displayUrl('https://user:pw@example.com:8443/a/b?token=s3cr3t#x')).toBe(
      'https://example.com:8443/a/b?...',
    );
    expect(displayUrl('http://example.com/health')).toBe('http://example.com/health');
  });
});
