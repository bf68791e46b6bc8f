/** A cancellable timer handle. */
export interface TimerHandle {
  cancel(): void;
}

/**
 * The engine's notion of time: every timestamp it stores and every deadline it waits for.
 * Deadlines are absolute epoch milliseconds, so timers can be re-armed from stored deadlines after a restart.
 *
 * @example
 * const clock = systemClock();
 * const timer = clock.at(clock.now() + 1000, () => console.log('a second later'));
 * timer.cancel();
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `fn` once at (or after) the absolute time `atMs`; a time in the past fires on the next tick. */
  at(atMs: number, fn: () => void): TimerHandle;
}

const MAX_DELAY = 2_147_483_647;

/**
 * The wall clock, with timers that do not keep the process alive and that handle deadlines
 * further away than setTimeout's 24.8-day limit.
 */
export function systemClock(): Clock {
  return {
    now: () => Date.now(),
    at(atMs, fn) {
      let handle: NodeJS.Timeout | undefined;
      let cancelled = false;
      const arm = (): void => {
        const delay = Math.max(0, atMs - Date.now());
        handle = setTimeout(
          () => {
            if (cancelled) return;
            if (Date.now() < atMs) arm();
            else fn();
          },
          Math.min(delay, MAX_DELAY),
        );
        handle.unref();
      };
      arm();
      return {
        cancel() {
          cancelled = true;
          if (handle) clearTimeout(handle);
        },
      };
    },
  };
}

/**
 * A clock that only moves when told to (`advance`), for unit tests of timeouts.
 *
 * @example
 * const clock = manualClock(0);
 * clock.at(5000, () => fired = true);
 * clock.advance(5000); // fired === true
 */
export function manualClock(start = 0): Clock & { advance(ms: number): void } {
  let current = start;
  let timers: { at: number; fn: () => void; cancelled: boolean }[] = [];
  return {
    now: () => current,
    at(atMs, fn) {
      const t = { at: atMs, fn, cancelled: false };
      timers.push(t);
      return {
        cancel() {
          t.cancelled = true;
        },
      };
    },
    advance(ms) {
      current += ms;
      const due = timers.filter((t) => !t.cancelled && t.at <= current).sort((a, b) => a.at - b.at);
      timers = timers.filter((t) => !t.cancelled && t.at > current);
      for (const t of due) t.fn();
    },
  };
}
