import type { Clock, TimerHandle } from './clock.js';

/**
 * One timer per execution that evaluates its waiting stage condition again (a DeploymentWindow rule outside
 * its window): the earliest requested time wins; timers are not persisted because every restart evaluates the
 * waiting conditions again (ExecutionEngine.resume) and asks anew.
 *
 * @example
 * const timers = new RecheckTimers(clock, (id) => engine.wake(id));
 * timers.schedule('exec-1', clock.now() + 60_000);
 */
export class RecheckTimers {
  private readonly timers = new Map<string, { at: number; timer: TimerHandle }>();
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly fire: (executionId: string) => void,
  ) {}

  /** Evaluates the execution again at `at` unless an earlier timer is already set. */
  schedule(executionId: string, at: number): void {
    const existing = this.timers.get(executionId);
    if (this.closed || (existing && existing.at <= at)) return;
    existing?.timer.cancel();
    const timer = this.clock.at(at, () => {
      this.timers.delete(executionId);
      if (!this.closed) this.fire(executionId);
    });
    this.timers.set(executionId, { at, timer });
  }

  /** Cancels every timer. */
  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) t.timer.cancel();
    this.timers.clear();
  }
}
