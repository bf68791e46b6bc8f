/**
 * One HTTP check of a URL, shared by the http-check and wait-for handlers: status, optional body text,
 * a time limit, and a message that says what was expected and what came back.
 */

/** What to check. */
export interface ProbeSpec {
  readonly url: string;
  readonly expectStatus: number;
  readonly bodyContains?: string;
  readonly timeoutMs: number;
  /** Aborts the request (the job's time budget). */
  readonly signal?: AbortSignal;
}

/** What came back. */
export interface ProbeResult {
  readonly ok: boolean;
  /** HTTP status, when a response arrived. */
  readonly status?: number;
  readonly latencyMs: number;
  /** Why the check did not pass (absent when ok). */
  readonly problem?: string;
}

/** Bodies are read up to this many bytes when `bodyContains` is set. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The URL as shown in summaries and messages: no user info, and the query replaced by `?...` (either may
 * hold a secret).
 */
export function displayUrl(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}${u.search ? '?...' : ''}`;
}

/** Sends one GET and judges the response against the spec. Never throws for network errors. */
export async function probeUrl(spec: ProbeSpec): Promise<ProbeResult> {
  const started = performance.now();
  const timeout = AbortSignal.timeout(Math.max(1, spec.timeoutMs));
  const signal = spec.signal ? AbortSignal.any([spec.signal, timeout]) : timeout;
  const latency = () => Math.round(performance.now() - started);
  // fetch refuses URLs with user info: send it as basic auth instead.
  const target = new URL(spec.url);
  const headers: Record<string, string> = { 'user-agent': 'codepipeline-kit-http-check' };
  if (target.username || target.password) {
    const user = decodeURIComponent(target.username);
    const pass = decodeURIComponent(target.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    target.username = '';
    target.password = '';
  }
  try {
    const response = await fetch(target, {
      method: 'GET',
      // A 3xx expectation checks the redirect itself, anything else follows it.
      redirect: spec.expectStatus >= 300 && spec.expectStatus < 400 ? 'manual' : 'follow',
      signal,
      headers,
    });
    const status = response.status;
    if (status !== spec.expectStatus) {
      await response.body?.cancel();
      return {
        ok: false,
        status,
        latencyMs: latency(),
        problem: `expected HTTP ${spec.expectStatus}, got ${status}`,
      };
    }
    if (spec.bodyContains !== undefined) {
      const body = await readText(response, MAX_BODY_BYTES);
      if (!body.includes(spec.bodyContains)) {
        const start = body.slice(0, 200).replace(/\s+/g, ' ');
        return {
          ok: false,
          status,
          latencyMs: latency(),
          problem: `expected the body to contain ${JSON.stringify(spec.bodyContains)}; it did not (HTTP ${status}, ${body.length} chars, starting ${JSON.stringify(start)})`,
        };
      }
    } else {
      await response.body?.cancel();
    }
    return { ok: true, status, latencyMs: latency() };
  } catch (err) {
    if (timeout.aborted) {
      return {
        ok: false,
        latencyMs: latency(),
        problem: `expected HTTP ${spec.expectStatus}, got no response within ${spec.timeoutMs} ms`,
      };
    }
    if (spec.signal?.aborted) {
      return { ok: false, latencyMs: latency(), problem: 'the check was cut short by the function timeout' };
    }
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    // Messages may quote the URL (with its query): show it the way summaries do.
    const detail = String(cause?.code ?? cause?.message ?? (err as Error).message)
      .split(spec.url)
      .join(displayUrl(spec.url))
      .split(target.toString())
      .join(displayUrl(spec.url));
    return {
      ok: false,
      latencyMs: latency(),
      problem: `expected HTTP ${spec.expectStatus}, the request failed: ${detail}`,
    };
  }
}

async function readText(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (total < maxBytes) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, maxBytes));
}

/** Waits `ms`, or less when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
