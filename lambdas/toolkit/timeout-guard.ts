import { TIMEOUT_MARGIN_FRACTION, TIMEOUT_MARGIN_MAX_MS } from './limits.js';

/**
 * The part of the Lambda context the guard reads.
 * @example
 * ```ts
 * const source: RemainingTimeSource = context; // a Lambda context
 * ```
 */
export interface RemainingTimeSource {
  getRemainingTimeInMillis?: () => number;
}

/**
 * Calls `onExpire` once when the invocation's remaining time falls below a margin, so a job is reported
 * before Lambda kills the function. The function's timeout is taken from the first reading of
 * `getRemainingTimeInMillis()`; the default margin is the smaller of 3 s and 20% of it.
 *
 * @internal
 * @example
 * ```ts
 * const guard = new TimeoutGuard(context, undefined, () => report('timed out'));
 * guard.start(); // ... guard.stop();
 * ```
 */
export class TimeoutGuard {
  /** The function's timeout as first read, in ms (Infinity without a Lambda context). */
  public readonly functionTimeoutMs: number;
  /** How long before Lambda's timeout the guard fires. */
  public readonly marginMs: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  public constructor(
    private readonly context: RemainingTimeSource | undefined,
    marginMs: number | undefined,
    private readonly onExpire: () => void,
  ) {
    const first = this.readRemaining();
    this.functionTimeoutMs = first;
    this.marginMs =
      marginMs ??
      (Number.isFinite(first)
        ? Math.min(TIMEOUT_MARGIN_MAX_MS, Math.floor(first * TIMEOUT_MARGIN_FRACTION))
        : 0);
  }

  /** Time left before the guard fires, in ms (Infinity without a Lambda context). */
  public remainingBudgetMs(): number {
    return Math.max(0, this.readRemaining() - this.marginMs);
  }

  /** Arms the guard (no-op without `getRemainingTimeInMillis`). */
  public start(): void {
    if (this.stopped || !Number.isFinite(this.functionTimeoutMs)) return;
    const wait = this.remainingBudgetMs();
    if (wait <= 0) {
      this.fire();
      return;
    }
    // Re-read on wake-up: the clock behind the context is the truth, not the timer.
    this.timer = setTimeout(() => (this.remainingBudgetMs() <= 1 ? this.fire() : this.start()), wait);
  }

  /** Disarms the guard for good. */
  public stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    if (this.stopped) return;
    this.stop();
    this.onExpire();
  }

  private readRemaining(): number {
    const read = this.context?.getRemainingTimeInMillis;
    if (typeof read !== 'function') return Number.POSITIVE_INFINITY;
    const value = read.call(this.context);
    return typeof value === 'number' && Number.isFinite(value) ? value : Number.POSITIVE_INFINITY;
  }
}
