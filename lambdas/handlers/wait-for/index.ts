import * as z from 'zod/mini';
import { withJob } from '../../toolkit/with-job.js';
import { displayUrl, probeUrl, sleep, type ProbeResult } from '../shared/http-probe.js';

/**
 * UserParameters of wait-for (JSON): `{"url": "...", "expectStatus": 200, "intervalSeconds": 30,
 * "maxMinutes": 60}`; only `url` is required. `maxMinutes` is at most 1440 (an Invoke action ends after
 * 24 hours in all).
 * @example
 * ```ts
 * waitForParameters.parse({ url: 'https://example.com/ready', maxMinutes: 30 });
 * ```
 */
export const waitForParameters = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  expectStatus: z._default(z.int().check(z.gte(100), z.lte(599)), 200),
  intervalSeconds: z._default(z.int().check(z.gte(1), z.lte(3_600)), 30),
  maxMinutes: z._default(z.int().check(z.gte(1), z.lte(1_440)), 60),
});

/**
 * What travels in the continuation token between invocations.
 * @example
 * ```ts
 * waitForState.parse(JSON.parse(continuationToken)); // { attempts, startedAt, nextCheckAt? }
 * ```
 */
export const waitForState = z.object({
  attempts: z.int().check(z.gte(0)),
  startedAt: z.number(),
  nextCheckAt: z.optional(z.number()),
});
type WaitForState = z.infer<typeof waitForState>;

/** Time kept back for reporting, and the longest single check. */
const REPORT_RESERVE_MS = 1_000;
const MAX_CHECK_MS = 10_000;

/**
 * Waits for a URL to answer the expected status: checks every `intervalSeconds` within the invocation's
 * time budget, then `continueLater` with the attempt count and start time; succeeds (output variables
 * `status`, `attempts`, `waitedSeconds`) once the URL answers, fails with `JobFailed` once `maxMinutes`
 * passed. Give the function a timeout above `intervalSeconds` so it waits inside one invocation.
 * @example
 * ```ts
 * // UserParameters: {"url": "https://staging.example.com/ready", "intervalSeconds": 30, "maxMinutes": 60}
 * await handler(buildJobEvent({ userParameters: { url } }), createLambdaContext({ timeoutMs: 60_000 }));
 * ```
 */
export const handler = withJob(
  async (run) => {
    const p = run.params;
    const shown = displayUrl(p.url);
    const state: WaitForState = run.state ? { ...run.state } : { attempts: 0, startedAt: Date.now() };
    const maxMs = p.maxMinutes * 60_000;
    const checkMs = Math.min(MAX_CHECK_MS, p.intervalSeconds * 1_000);
    let last: ProbeResult | undefined;
    for (;;) {
      const wait = Math.max(0, (state.nextCheckAt ?? 0) - Date.now());
      const budget = run.remainingTimeMs() - REPORT_RESERVE_MS;
      // A due check always runs; a check that is not due yet must fit this invocation's budget.
      if (run.signal.aborted || (wait > 0 && wait + Math.min(checkMs, 1_000) > budget)) {
        // No room for the next check in this invocation: wait what we can, then hand over.
        await sleep(Math.min(wait, budget), run.signal);
        const elapsed = Date.now() - state.startedAt;
        await run.continueLater(state, {
          summary: `waiting for ${shown} to answer HTTP ${p.expectStatus}: ${state.attempts} attempt(s) so far${last?.problem ? `, last: ${last.problem}` : ''}`,
          percentComplete: Math.min(99, Math.floor((elapsed / maxMs) * 100)),
        });
        return;
      }
      await sleep(wait, run.signal);
      if (run.signal.aborted) continue;
      state.attempts += 1;
      state.nextCheckAt = Date.now() + p.intervalSeconds * 1_000;
      last = await probeUrl({
        url: p.url,
        expectStatus: p.expectStatus,
        timeoutMs: Math.max(200, Math.min(checkMs, budget - wait)),
        signal: run.signal,
      });
      run.checkpoint(state);
      const waitedSeconds = Math.round((Date.now() - state.startedAt) / 1_000);
      if (last.ok) {
        return {
          summary: `${shown} answered HTTP ${last.status} after ${state.attempts} attempt(s) in ${waitedSeconds} s`,
          outputVariables: {
            status: String(last.status),
            attempts: String(state.attempts),
            waitedSeconds: String(waitedSeconds),
          },
        };
      }
      run.logger.info('not ready yet', { url: shown, attempt: state.attempts, problem: last.problem });
      if (Date.now() - state.startedAt >= maxMs) {
        await run.fail(
          'JobFailed',
          `gave up waiting for ${shown} after ${p.maxMinutes} min (${state.attempts} attempts): ${last.problem}`,
        );
        return;
      }
    }
  },
  { userParameters: waitForParameters, stateSchema: waitForState },
);
