import type { LocalFunction } from '../functions-file.js';
import type { ApprovalNotification } from './action-runners/manual-approval.js';
import type { LambdaRuntime } from './lambda-runtime.js';
import { snsLambdaEvent, subscribedTo, type LocalSubscription } from './subscriptions.js';

/** What {@link FunctionDelivery} needs from the engine. */
export interface FunctionDeliveryOptions {
  readonly runtime: LambdaRuntime;
  readonly functions: () => readonly LocalFunction[];
  readonly subscriptions?: readonly LocalSubscription[];
  readonly retryDelaysMs?: readonly number[];
  readonly now: () => number;
  readonly closed: () => boolean;
}

/**
 * Invokes functions asynchronously (with Lambda's retries) for events the engine emits: EventBridge rule
 * targets and SNS messages published to a topic (approval notifications) for the subscribed functions.
 *
 * @example
 * const delivery = new FunctionDelivery({ runtime, functions, now: () => Date.now(), closed: () => false });
 * delivery.deliverEvent('on-failure', event);
 */
export class FunctionDelivery {
  constructor(private readonly options: FunctionDeliveryOptions) {}

  /** Delivers an SNS message to every function subscribed to its topic. */
  publishToTopic(notification: ApprovalNotification): void {
    for (const sub of this.options.subscriptions ?? []) {
      if (!subscribedTo(sub, notification.topicArn)) continue;
      this.invoke(sub.function, snsLambdaEvent({ ...notification, now: this.options.now() }));
    }
  }

  /** Delivers an event to a rule's target function. */
  deliverEvent(functionName: string, event: unknown): void {
    this.invoke(functionName, event);
  }

  private invoke(functionName: string, event: unknown): void {
    const fn = this.options.functions().find((f) => f.name === functionName);
    if (!fn || this.options.closed()) return;
    void this.options.runtime
      .invokeAsync(fn, event, { retryDelaysMs: this.options.retryDelaysMs ?? [1000, 2000] })
      .catch(() => undefined);
  }
}
