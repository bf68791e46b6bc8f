import autocannon from 'autocannon';
import { codePipelineHeaders, post } from './json-client.js';
import { percentile } from './stats.js';

/** Client settings shared by every server of the API benchmark. */
export const LOAD_SETTINGS = {
  connections: Number(process.env.BENCH_API_CONNECTIONS ?? '10'),
  durationSeconds: Number(process.env.BENCH_API_SECONDS ?? '5'),
  pipelining: 1,
};

/** One load run's figures. */
export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
}

/** One request of a load run: operation and body (or a function of the per-connection context). */
export interface LoadRequest {
  readonly operation: string;
  readonly body: (context: Record<string, unknown>) => string;
}

/**
 * Runs autocannon with {@link LOAD_SETTINGS} against `endpoint` over keep-alive connections, cycling through
 * `requests` on each connection. Throws when a request failed.
 *
 * @example
 * const r = await runLoad(url, [{ operation: 'ListPipelines', body: () => '{}' }]);
 */
export async function runLoad(
  endpoint: string,
  requests: readonly LoadRequest[],
  options: { allowNon2xx?: boolean } = {},
): Promise<LoadResult> {
  const result = await autocannon({
    url: endpoint,
    connections: LOAD_SETTINGS.connections,
    duration: LOAD_SETTINGS.durationSeconds,
    pipelining: LOAD_SETTINGS.pipelining,
    method: 'POST',
    requests: requests.map((r) => ({
      method: 'POST' as const,
      path: '/',
      setupRequest: (req: autocannon.Request, context: object) => ({
        ...req,
        headers: codePipelineHeaders(r.operation),
        body: r.body(context as Record<string, unknown>),
      }),
    })),
  });
  const r: LoadResult = {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
  if (r.requests === 0 || r.errors > 0 || (!options.allowNon2xx && r.non2xx > 0))
    throw new Error(
      `load on ${endpoint} (${requests.map((q) => q.operation).join('+')}): ${r.requests} requests, ${r.non2xx} non-2xx, ${r.errors} errors`,
    );
  return r;
}

/**
 * The same load with a new TCP connection per request (`Connection: close`), as moto server forces: the
 * {@link LOAD_SETTINGS} number of closed loops for the same duration, each request on its own connection.
 * Not autocannon: autocannon 9 writes the next request on the socket the server is closing and then counts
 * the reconnect as latency (a bare node:http server that closes measured p50 ~500 ms with it), and its
 * `reconnectRate: 1` records no responses at all.
 *
 * @example
 * const r = await runCloseLoad(url, [{ operation: 'GetPipeline', body: () => '{"name":"p"}' }]);
 */
export async function runCloseLoad(endpoint: string, requests: readonly LoadRequest[]): Promise<LoadResult> {
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const started = performance.now();
  const until = started + LOAD_SETTINGS.durationSeconds * 1000;
  const loop = async () => {
    const context: Record<string, unknown> = {};
    for (let i = 0; performance.now() < until; i++) {
      const r = requests[i % requests.length];
      const t = performance.now();
      try {
        const reply = await post(
          false,
          endpoint,
          { ...codePipelineHeaders(r.operation), connection: 'close' },
          r.body(context),
        );
        if (reply.status < 200 || reply.status > 299) non2xx++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: LOAD_SETTINGS.connections }, loop));
  const seconds = (performance.now() - started) / 1000;
  const r: LoadResult = {
    requestsPerSecond: latencies.length / seconds,
    p50Ms: Number(percentile(latencies, 0.5).toFixed(1)),
    p99Ms: Number(percentile(latencies, 0.99).toFixed(1)),
    requests: latencies.length,
    non2xx,
    errors,
  };
  if (r.requests === 0 || r.errors > 0 || r.non2xx > 0)
    throw new Error(
      `close load on ${endpoint} (${requests.map((q) => q.operation).join('+')}): ${r.requests} requests, ${r.non2xx} non-2xx, ${r.errors} errors`,
    );
  return r;
}
