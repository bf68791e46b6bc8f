import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The demo's loopback HTTP peer: the incoming webhook the approval links are posted to (`POST /hooks/approvals`),
 * the service the Verify stage checks (`GET /health`), and a readiness URL that answers 503 for its first
 * `notReadyFor` requests, then 200 (`GET /ready`), so `wait-for` has to wait (and hand over) for real.
 */
export interface DemoReceiver {
  readonly url: string;
  readonly webhookUrl: string;
  /** Resolves with the first webhook body posted. */
  nextWebhook(timeoutMs: number): Promise<Record<string, unknown>>;
  readonly readyRequests: () => number;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Starts the receiver on 127.0.0.1 and a free port.
 *
 * @example
 * const receiver = await startDemoReceiver({ notReadyFor: 4 });
 */
export async function startDemoReceiver(options: { notReadyFor: number }): Promise<DemoReceiver> {
  const webhooks: Record<string, unknown>[] = [];
  const waiters: ((b: Record<string, unknown>) => void)[] = [];
  let ready = 0;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'POST' && path === '/hooks/approvals') {
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(await body(req)) as Record<string, unknown>;
        } catch {
          res.writeHead(400).end('not JSON');
          return;
        }
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        const waiter = waiters.shift();
        if (waiter) waiter(parsed);
        else webhooks.push(parsed);
        return;
      }
      if (req.method === 'GET' && path === '/health') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        return;
      }
      if (req.method === 'GET' && path === '/ready') {
        ready++;
        const isReady = ready > options.notReadyFor;
        res
          .writeHead(isReady ? 200 : 503, { 'content-type': 'text/plain' })
          .end(isReady ? 'ready' : 'warming up');
        return;
      }
      res.writeHead(404).end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    webhookUrl: `${url}/hooks/approvals`,
    readyRequests: () => ready,
    nextWebhook(timeoutMs) {
      const queued = webhooks.shift();
      if (queued) return Promise.resolve(queued);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no approval webhook within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push((b) => {
          clearTimeout(timer);
          resolve(b);
        });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
