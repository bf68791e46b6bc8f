import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, startTestServer, type TestLocalServer } from '../../../helpers/local-server.js';

let local: TestLocalServer;
let base: string;

beforeAll(async () => {
  local = await startTestServer({
    functions: [
      {
        name: 'echo',
        bundle: join(repoRoot, 'test', 'fixtures', 'handlers', 'function-url-echo.mjs'),
        handler: 'handler',
        timeoutSeconds: 5,
        memoryMB: 128,
        environment: {},
      },
    ],
    engine: { startOnCreate: false },
  });
  base = `${local.endpoint}/_cpkit/functions/echo`;
});
afterAll(() => local?.stop());

describe('Function: functionUrlRoute', () => {
  it('turns a request into a payload 2.0 event with the path below the function', async () => {
    // Act
    const res = await fetch(`${base}/echo?a=1&b=two`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: 'k=v; z=9', 'x-custom': 'c' },
      body: 'link=abc&comment=hi',
    });
    const event = (await res.json()) as Record<string, any>;
    // Assess
    expect(res.status).toBe(201);
    expect(res.headers.get('x-echo')).toBe('yes');
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/echo',
      rawQueryString: 'a=1&b=two',
      queryStringParameters: { a: '1', b: 'two' },
      cookies: ['k=v', 'z=9'],
      body: 'link=abc&comment=hi',
      isBase64Encoded: false,
      requestContext: { http: { method: 'POST', path: '/echo', sourceIp: '127.0.0.1' } },
    });
    expect(event.headers['x-custom']).toBe('c');
    expect(event.headers.host).toBe(new URL(local.endpoint).host);
  });

  it('base64-encodes binary request bodies and decodes binary responses with cookies', async () => {
    // Act
    const echoed = await (
      await fetch(`${base}/echo`, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream' },
        body: Buffer.from([9, 8, 7]),
      })
    ).json();
    const binary = await fetch(`${base}/binary`);
    // Assess
    expect(echoed).toMatchObject({ isBase64Encoded: true, body: Buffer.from([9, 8, 7]).toString('base64') });
    expect([...new Uint8Array(await binary.arrayBuffer())]).toEqual([0, 1, 2, 255]);
    expect(binary.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2']);
  });

  it('answers a bare value as JSON, a function error as 502 and an unknown function as 404', async () => {
    // Act
    const plain = await fetch(`${base}/plain`);
    const boom = await fetch(`${base}/boom`);
    const missing = await fetch(`${local.endpoint}/_cpkit/functions/nope/`);
    // Assess
    expect(plain.status).toBe(200);
    expect(await plain.json()).toEqual({ hello: 'world' });
    expect(boom.status).toBe(502);
    expect(await boom.text()).not.toContain('boom');
    expect(missing.status).toBe(404);
  });
});
