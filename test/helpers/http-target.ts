import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback HTTP server for smoke-check tests; each route is a function of its hit count. */
export interface HttpTarget {
  readonly url: string;
  /** How many requests each path received. */
  readonly hits: Map<string, number>;
  close(): Promise<void>;
}

export type Route = (hit: number) => {
  status: number;
  body?: string;
  delayMs?: number;
  headers?: Record<string, string>;
};

/** Starts a target on 127.0.0.1, port 0; unknown paths answer 404. */
export async function startHttpTarget(routes: Record<string, Route>): Promise<HttpTarget> {
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const hit = (hits.get(path) ?? 0) + 1;
    hits.set(path, hit);
    const route = routes[path];
    const answer = route ? route(hit) : { status: 404, body: 'not found' };
    const timer = setTimeout(() => {
      res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
      res.end(answer.body ?? '');
    }, answer.delayMs ?? 0);
    res.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
