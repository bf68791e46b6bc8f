import * as z from 'zod/mini';
import { withJob } from '../../toolkit/with-job.js';
import { displayUrl, probeUrl, sleep, type ProbeResult } from '../shared/http-probe.js';

/**
 * An integer from `min` to `max`. The same values as `z.int()` with these bounds (which lie inside its
 * safe-integer range), without the number-format machinery `z.int()` adds to the bundle (~0.7 kB).
 */
const integer = (min: number, max: number) => z.number().check(z.multipleOf(1), z.gte(min), z.lte(max));

/**
 * UserParameters of http-check (JSON): `{"url": "...", "expectStatus": 200, "bodyContains": "...",
 * "timeoutMs": 5000, "retries": 2}`; only `url` is required. Unknown keys are refused, so a typo fails
 * the job with ConfigurationError instead of being ignored.
 * @example
 * ```ts
 * httpCheckParameters.parse({ url: 'https://example.com/health' }); // defaults filled in
 * ```
 */
export const httpCheckParameters = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  expectStatus: z._default(integer(100, 599), 200),
  bodyContains: z.optional(z.string().check(z.minLength(1))),
  timeoutMs: z._default(integer(1, 300_000), 5_000),
  retries: z._default(integer(0, 10), 2),
});

/** Pause before retry n (1-based): 250 ms, 500 ms, 1 s, ... at most 2 s. */
const backoffMs = (retry: number) => Math.min(2_000, 250 * 2 ** (retry - 1));

/** Time kept back for reporting the result when a check would run into the function's timeout. */
const REPORT_RESERVE_MS = 500;

/**
 * Smoke test of a URL from a CodePipeline Invoke action. Succeeds with a summary and the output variables
 * `status` and `latencyMs`; fails with `JobFailed` saying what was expected and what came back, after
 * `retries` further attempts.
 * @example
 * ```ts
 * // CDK: new LambdaInvokeAction({ actionName: 'Smoke', lambda: httpCheckFn,
 * //   userParameters: { url: 'https://staging.example.com/health', bodyContains: 'ok' } })
 * await handler(buildJobEvent({ userParameters: { url } }), createLambdaContext({ timeoutMs: 30_000 }));
 * ```
 */
export const handler = withJob(
  async (run) => {
    const p = run.params;
    const shown = displayUrl(p.url);
    let last: ProbeResult | undefined;
    let attempts = 0;
    for (let retry = 0; retry <= p.retries; retry++) {
      if (retry > 0) await sleep(backoffMs(retry), run.signal);
      const budget = run.remainingTimeMs() - REPORT_RESERVE_MS;
      if (run.signal.aborted || (attempts > 0 && budget < 100)) break;
      attempts++;
      last = await probeUrl({
        ...p,
        timeoutMs: Math.min(p.timeoutMs, Math.max(100, budget)),
        signal: run.signal,
      });
      if (last.ok) {
        run.logger.info('check passed', {
          url: shown,
          status: last.status,
          latencyMs: last.latencyMs,
          attempts,
        });
        return {
          summary: `GET ${shown} answered HTTP ${last.status} in ${last.latencyMs} ms (attempt ${attempts})`,
          outputVariables: { status: String(last.status), latencyMs: String(last.latencyMs) },
        };
      }
      run.logger.warn('check did not pass', { url: shown, attempt: attempts, problem: last.problem });
    }
    await run.fail(
      'JobFailed',
      `GET ${shown}: ${last?.problem ?? 'not checked: no time left'} (${attempts} attempt${attempts === 1 ? '' : 's'})`,
    );
  },
  { userParameters: httpCheckParameters },
);
