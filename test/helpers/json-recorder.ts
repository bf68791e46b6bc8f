import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the recorder received. */
export interface RecordedRequest {
  /** `X-Amz-Target`, e.g. `CodePipeline_20150709.PutJobSuccessResult`. */
  readonly target: string;
  /** The operation after the dot of the target. */
  readonly operation: string;
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The body as sent. */
  readonly raw: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  readonly body: any;
}

/** An answer: HTTP status, and a JSON body (`{}` by default). */
export interface RecordedAnswer {
  readonly status?: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/** A started recorder on 127.0.0.1. */
export interface JsonRecorder {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Requests whose operation is `operation` (e.g. `PutJobSuccessResult`). */
  byOperation(operation: string): RecordedRequest[];
  /** Replace how the recorder answers (default: 200 with `{}`). */
  respondWith(responder: (req: RecordedRequest, index: number) => RecordedAnswer | undefined): void;
  close(): Promise<void>;
}

/**
 * A small AWS JSON 1.1 recorder on 127.0.0.1 (port 0): it records every request (target, headers, body)
 * and answers `{}` with HTTP 200, or what a responder returns (e.g. a modeled error
 * `{ status: 400, body: { __type: 'InvalidJobStateException', message } }`, or a 503 to exercise retries).
 */
export async function startJsonRecorder(): Promise<JsonRecorder> {
  const requests: RecordedRequest[] = [];
  let responder: (req: RecordedRequest, index: number) => RecordedAnswer | undefined = () => undefined;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = undefined;
      }
      const target = String(req.headers['x-amz-target'] ?? '');
      const recorded: RecordedRequest = {
        target,
        operation: target.includes('.') ? target.slice(target.indexOf('.') + 1) : target,
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        raw,
        body,
      };
      requests.push(recorded);
      let answer: RecordedAnswer | undefined;
      try {
        answer = responder(recorded, requests.length - 1);
      } catch (err) {
        answer = { status: 500, body: { __type: 'InternalFailure', message: String(err) } };
      }
      const payload = JSON.stringify(answer?.body ?? {});
      res.writeHead(answer?.status ?? 200, {
        'content-type': 'application/x-amz-json-1.1',
        'content-length': Buffer.byteLength(payload),
        'x-amzn-requestid': `rec-${requests.length}`,
        ...answer?.headers,
      });
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    byOperation: (operation) => requests.filter((r) => r.operation === operation),
    respondWith: (fn) => {
      responder = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
