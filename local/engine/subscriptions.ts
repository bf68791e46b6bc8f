import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Local SNS topic subscriptions: which Lambda functions receive what the engine publishes to a topic (today: the
 * manual approval message sent to an approval action's `NotificationArn`).
 *
 * File format (`engine.subscriptions` of startLocalCodePipeline, or loadSubscriptionsFile):
 * ```json
 * { "subscriptions": [ { "topic": "arn:aws:sns:us-east-1:000000000000:approvals", "function": "approval-notify" } ] }
 * ```
 * `topic` is a topic ARN or just the topic name (matching any ARN whose last segment is that name).
 */
export interface LocalSubscription {
  /** Topic ARN, or topic name. */
  readonly topic: string;
  /** Name of a function known to the engine (`--functions`). */
  readonly function: string;
}

/** A subscriptions file that cannot be used; the message says what and where. */
export class SubscriptionsFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubscriptionsFileError';
  }
}

const TOPIC = /^(arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:)?[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
const FUNCTION = /^[a-zA-Z0-9-_]{1,64}$/;

/** Validates a subscriptions object (see {@link LocalSubscription}). */
export function parseSubscriptions(raw: unknown, source = 'subscriptions'): LocalSubscription[] {
  const list = (raw as { subscriptions?: unknown } | null)?.subscriptions;
  if (!Array.isArray(list)) throw new SubscriptionsFileError(`${source}: expected {"subscriptions": [...]}`);
  return list.map((s, i) => {
    const where = `${source}: subscriptions[${i}]`;
    const { topic, function: fn } = (s ?? {}) as Record<string, unknown>;
    if (typeof topic !== 'string' || !TOPIC.test(topic)) {
      throw new SubscriptionsFileError(`${where}: "topic" must be an SNS topic ARN or topic name`);
    }
    if (typeof fn !== 'string' || !FUNCTION.test(fn)) {
      throw new SubscriptionsFileError(`${where}: "function" must be a function name`);
    }
    return { topic, function: fn };
  });
}

/**
 * Reads a subscriptions file.
 *
 * @example
 * const subscriptions = loadSubscriptionsFile('subscriptions.json');
 * await startLocalCodePipeline({ functions: 'functions.json', engine: { subscriptions } });
 */
export function loadSubscriptionsFile(file: string): LocalSubscription[] {
  const path = resolve(file);
  if (!existsSync(path)) throw new SubscriptionsFileError(`subscriptions: file not found: ${path}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new SubscriptionsFileError(`subscriptions: ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return parseSubscriptions(raw, path);
}

/** Whether a subscription's topic (ARN or name) is the topic `topicArn`. */
export function subscribedTo(subscription: LocalSubscription, topicArn: string): boolean {
  if (subscription.topic === topicArn) return true;
  return !subscription.topic.startsWith('arn:') && topicArn.split(':').pop() === subscription.topic;
}

/** The Lambda event SNS delivers for one message (one record, as Lambda receives it). */
export function snsLambdaEvent(args: {
  topicArn: string;
  subject: string;
  message: string;
  now: number;
}): Record<string, unknown> {
  const id = randomUUID();
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${args.topicArn}:${randomUUID()}`,
        Sns: {
          Type: 'Notification',
          MessageId: id,
          TopicArn: args.topicArn,
          Subject: args.subject.slice(0, 100),
          Message: args.message,
          Timestamp: new Date(args.now).toISOString(),
          SignatureVersion: '1',
          Signature: '',
          SigningCertUrl: '',
          UnsubscribeUrl: '',
          MessageAttributes: {},
        },
      },
    ],
  };
}
