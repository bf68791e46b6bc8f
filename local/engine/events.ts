import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { matchesPattern, validatePattern } from './event-pattern.js';

/** The three EventBridge detail-types CodePipeline emits. */
export type CodePipelineDetailType =
  | 'CodePipeline Pipeline Execution State Change'
  | 'CodePipeline Stage Execution State Change'
  | 'CodePipeline Action Execution State Change';

/** An EventBridge event as CodePipeline sends it (field-notes section 4). */
export interface CodePipelineEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': CodePipelineDetailType;
  readonly source: 'aws.codepipeline';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: string[];
  readonly detail: Record<string, unknown>;
}

/** One local rule: events matching `eventPattern` invoke each target function with the event. */
export interface LocalRule {
  readonly name: string;
  readonly eventPattern: Record<string, unknown>;
  readonly targets: readonly { readonly function: string }[];
}

/** A rules file that cannot be used; the message says what and where. */
export class RulesFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RulesFileError';
  }
}

/**
 * Reads a `--rules` file: `{ "rules": [ { "name", "eventPattern": {...}, "targets": [ { "function": "fn" } ] } ] }`.
 *
 * @example
 * const rules = loadRulesFile('rules.json');
 */
export function loadRulesFile(file: string): LocalRule[] {
  const path = resolve(file);
  if (!existsSync(path)) throw new RulesFileError(`--rules: file not found: ${path}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new RulesFileError(`--rules: ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return parseRules(raw, path);
}

/** Validates a rules object (see {@link loadRulesFile}). */
export function parseRules(raw: unknown, source = 'rules'): LocalRule[] {
  const rules = (raw as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rules)) throw new RulesFileError(`${source}: expected {"rules": [...]}`);
  return rules.map((r, i) => {
    const where = `${source}: rules[${i}]`;
    if (typeof r !== 'object' || r === null) throw new RulesFileError(`${where} must be an object`);
    const { name, eventPattern, targets } = r as Record<string, unknown>;
    if (typeof name !== 'string' || !name)
      throw new RulesFileError(`${where}: "name" must be a non-empty string`);
    try {
      validatePattern(eventPattern);
    } catch (err) {
      throw new RulesFileError(`${where} (${name}): ${(err as Error).message}`);
    }
    if (
      !Array.isArray(targets) ||
      targets.length === 0 ||
      !targets.every((t) => typeof t === 'object' && t !== null && typeof (t as any).function === 'string')
    ) {
      throw new RulesFileError(
        `${where} (${name}): "targets" must be a non-empty array of {"function": "<name>"}`,
      );
    }
    return {
      name,
      eventPattern: eventPattern as Record<string, unknown>,
      targets: targets as LocalRule['targets'],
    };
  });
}

/** Options of {@link EventBus}. */
export interface EventBusOptions {
  /** Events are appended here as JSON lines (`<dataDir>/events.jsonl`); omit to keep them in memory only. */
  readonly file?: string;
  readonly region: string;
  readonly accountId: string;
  readonly rules?: readonly LocalRule[];
  /** Delivers an event to a rule's target function (the Lambda runtime, asynchronously). */
  readonly deliver?: (functionName: string, event: CodePipelineEvent, rule: LocalRule) => void;
  readonly now?: () => number;
}

/**
 * The engine's event bus: builds EventBridge-shaped CodePipeline events, appends them to `events.jsonl`,
 * invokes the functions of matching local rules, and tells in-process subscribers (custom-action and approval
 * executors).
 *
 * @example
 * const bus = new EventBus({ file: 'data/events.jsonl', region: 'us-east-1', accountId: '000000000000' });
 * bus.subscribe((e) => console.log(e['detail-type'], e.detail.state));
 */
export class EventBus {
  private readonly subscribers = new Set<(event: CodePipelineEvent) => void>();

  constructor(private readonly options: EventBusOptions) {}

  /** Adds an in-process listener; returns a function that removes it. */
  subscribe(listener: (event: CodePipelineEvent) => void): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }

  /** Publishes one event for a pipeline. */
  publish(
    pipelineName: string,
    detailType: CodePipelineDetailType,
    detail: Record<string, unknown>,
  ): CodePipelineEvent {
    const { region, accountId } = this.options;
    const event: CodePipelineEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': detailType,
      source: 'aws.codepipeline',
      account: accountId,
      time: new Date(this.options.now?.() ?? Date.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region,
      resources: [`arn:aws:codepipeline:${region}:${accountId}:${pipelineName}`],
      detail,
    };
    if (this.options.file) appendFileSync(this.options.file, JSON.stringify(event) + '\n');
    for (const rule of this.options.rules ?? []) {
      if (!matchesPattern(rule.eventPattern, event)) continue;
      for (const target of rule.targets) this.options.deliver?.(target.function, event, rule);
    }
    for (const s of this.subscribers) {
      try {
        s(event);
      } catch {
        // a subscriber's failure must not break the engine
      }
    }
    return event;
  }
}
