import { z } from 'zod';
import { CodePipelineKitError } from '../../toolkit/errors.js';

/**
 * Approval policies: an ordered list of rules; the first rule that applies and returns a decision wins; when none
 * does, the approval is left to people.
 *
 * ```json
 * {
 *   "timeZone": "Europe/Berlin",
 *   "rules": [
 *     { "name": "year-end freeze", "type": "freeze", "from": "2026-12-20", "to": "2027-01-02" },
 *     { "name": "hotfix", "type": "variable", "variable": "RELEASE_KIND", "equals": "hotfix" },
 *     { "name": "office hours", "type": "window", "days": ["Mon", "Tue", "Wed", "Thu", "Fri"],
 *       "from": "09:00", "to": "17:00", "outside": "reject" }
 *   ]
 * }
 * ```
 * - `freeze`: between `from` and `to` (dates are whole local days, inclusive; ISO date-times are instants) the
 *   decision is `decision` (default `reject`).
 * - `window`: inside the days and hours (local time; `to` may be `24:00`; `from` later than `to` spans midnight,
 *   counted from the day it starts) the decision is `inside` (default `approve`), outside it `outside` (default
 *   `none`: no opinion).
 * - `variable`: when the pipeline execution's variable `variable` equals `equals`, `decision` (default `approve`).
 * Every rule may be scoped with `pipelines`, `stages` and `actions` (name lists) and may set its own `timeZone`.
 */

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
type Weekday = (typeof WEEKDAYS)[number];

/** Outcome of a rule or a policy. `none` leaves the decision to the next rule, and finally to people. */
export type PolicyDecision = 'approve' | 'reject' | 'none';

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const timeZone = z.string().refine(isTimeZone, { message: 'is not an IANA time zone' });
const decision = z.enum(['approve', 'reject', 'none']);
const names = z.array(z.string().min(1)).min(1).optional();
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const instantOrDate = z
  .string()
  .refine((v) => DATE.test(v) || (/^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v))), {
    message: 'must be YYYY-MM-DD or an ISO 8601 date-time with an offset',
  });
const hhmm = (max: number) =>
  z
    .string()
    .regex(/^\d{2}:\d{2}$/, 'must be HH:MM')
    .transform((v, ctx) => {
      const [h, m] = v.split(':').map(Number);
      const minutes = h * 60 + m;
      if (m > 59 || minutes > max) {
        ctx.addIssue({ code: 'custom', message: `'${v}' is not a time of day` });
        return z.NEVER;
      }
      return minutes;
    });

const common = {
  name: z.string().min(1).max(100),
  pipelines: names,
  stages: names,
  actions: names,
  timeZone: timeZone.optional(),
};

const freezeRule = z.strictObject({
  ...common,
  type: z.literal('freeze'),
  from: instantOrDate,
  to: instantOrDate,
  decision: decision.default('reject'),
});
const windowRule = z.strictObject({
  ...common,
  type: z.literal('window'),
  days: z
    .array(z.enum(WEEKDAYS))
    .min(1)
    .default([...WEEKDAYS]),
  from: hhmm(23 * 60 + 59),
  to: hhmm(24 * 60),
  inside: decision.default('approve'),
  outside: decision.default('none'),
});
const variableRule = z.strictObject({
  ...common,
  type: z.literal('variable'),
  variable: z.string().min(1),
  equals: z.string(),
  decision: decision.default('approve'),
});

/** Schema of a policy document. */
export const approvalPolicySchema = z.strictObject({
  timeZone: timeZone.default('UTC'),
  rules: z.array(z.discriminatedUnion('type', [freezeRule, windowRule, variableRule])).min(1),
});

/** A parsed policy. */
export type ApprovalPolicy = z.output<typeof approvalPolicySchema>;
/** One parsed rule. */
export type PolicyRule = ApprovalPolicy['rules'][number];

/** The policy document is not valid; `issues` name each bad field. */
export class ApprovalPolicyError extends CodePipelineKitError {
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
  ) {
    super(message, { failureType: 'ConfigurationError' });
    this.name = 'ApprovalPolicyError';
  }
}

/**
 * Parses a policy from JSON text or an object.
 * @throws ApprovalPolicyError naming each bad field (e.g. `rules.1.timeZone: is not an IANA time zone`).
 */
export function parseApprovalPolicy(input: unknown): ApprovalPolicy {
  let raw = input;
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch {
      throw new ApprovalPolicyError('Approval policy is not valid JSON');
    }
  }
  const result = approvalPolicySchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(policy)'}: ${i.message}`);
    throw new ApprovalPolicyError(`Approval policy is invalid: ${issues.join('; ')}`, issues);
  }
  return result.data;
}

/** Where and when an approval is being decided. */
export interface PolicyContext {
  readonly pipelineName: string;
  readonly stageName: string;
  readonly actionName: string;
  readonly now: Date;
  /** Resolved pipeline variables of the execution (only needed by `variable` rules). */
  readonly variables?: Readonly<Record<string, string>>;
}

/** The policy's verdict, naming the deciding rule. */
export interface PolicyVerdict {
  readonly decision: PolicyDecision;
  /** Name of the rule that decided (absent when none did). */
  readonly rule?: string;
  readonly reason: string;
}

interface LocalTime {
  readonly weekday: Weekday;
  readonly date: string;
  readonly minutes: number;
}

/** The wall-clock date, weekday and minute of the day of `now` in `tz`. */
export function localTime(now: Date, tz: string): LocalTime {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  return {
    weekday: parts.weekday as Weekday,
    date: `${parts.year}-${parts.month}-${parts.day}`,
    minutes: (Number(parts.hour) % 24) * 60 + Number(parts.minute),
  };
}

const hm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

function applies(rule: PolicyRule, ctx: PolicyContext): boolean {
  return (
    (!rule.pipelines || rule.pipelines.includes(ctx.pipelineName)) &&
    (!rule.stages || rule.stages.includes(ctx.stageName)) &&
    (!rule.actions || rule.actions.includes(ctx.actionName))
  );
}

function inFreeze(rule: z.output<typeof freezeRule>, now: Date, tz: string): boolean {
  const local = localTime(now, tz).date;
  const after = DATE.test(rule.from) ? local >= rule.from : now.getTime() >= Date.parse(rule.from);
  const before = DATE.test(rule.to) ? local <= rule.to : now.getTime() <= Date.parse(rule.to);
  return after && before;
}

function inWindow(rule: z.output<typeof windowRule>, t: LocalTime): boolean {
  const today = rule.days.includes(t.weekday);
  if (rule.from < rule.to) return today && t.minutes >= rule.from && t.minutes < rule.to;
  // Spans midnight: the evening part belongs to today, the morning part to the day before.
  const yesterday = WEEKDAYS[(WEEKDAYS.indexOf(t.weekday) + 6) % 7];
  return (today && t.minutes >= rule.from) || (rule.days.includes(yesterday) && t.minutes < rule.to);
}

function evaluateRule(rule: PolicyRule, ctx: PolicyContext, defaultTz: string): PolicyVerdict {
  const tz = rule.timeZone ?? defaultTz;
  const named = (decision: PolicyDecision, reason: string): PolicyVerdict => ({
    decision,
    rule: rule.name,
    reason,
  });
  switch (rule.type) {
    case 'freeze': {
      const inside = inFreeze(rule, ctx.now, tz);
      return inside
        ? named(
            rule.decision,
            `${localTime(ctx.now, tz).date} (${tz}) is inside the freeze ${rule.from} to ${rule.to}`,
          )
        : named('none', 'outside the freeze');
    }
    case 'window': {
      const t = localTime(ctx.now, tz);
      const inside = inWindow(rule, t);
      const where = `${t.weekday} ${hm(t.minutes)} (${tz}) is ${inside ? 'inside' : 'outside'} ${rule.days.join(',')} ${hm(rule.from)}-${hm(rule.to)}`;
      return named(inside ? rule.inside : rule.outside, where);
    }
    case 'variable': {
      const value = ctx.variables?.[rule.variable];
      return value === rule.equals
        ? named(rule.decision, `variable ${rule.variable} equals "${rule.equals}"`)
        : named('none', `variable ${rule.variable} is not "${rule.equals}"`);
    }
  }
}

/** Whether evaluating `policy` for this approval needs the execution's variables. */
export function needsVariables(
  policy: ApprovalPolicy,
  ctx: Omit<PolicyContext, 'now' | 'variables'>,
): boolean {
  return policy.rules.some((r) => r.type === 'variable' && applies(r, { ...ctx, now: new Date(0) }));
}

/**
 * Evaluates the rules in order; the first one that applies and decides wins.
 *
 * @example
 * const verdict = evaluateApprovalPolicy(policy, { pipelineName, stageName, actionName, now: new Date() });
 * if (verdict.decision !== 'none') console.log(`${verdict.decision} by rule ${verdict.rule}: ${verdict.reason}`);
 */
export function evaluateApprovalPolicy(policy: ApprovalPolicy, ctx: PolicyContext): PolicyVerdict {
  for (const rule of policy.rules) {
    if (!applies(rule, ctx)) continue;
    const verdict = evaluateRule(rule, ctx, policy.timeZone);
    if (verdict.decision !== 'none') return verdict;
  }
  return { decision: 'none', reason: 'no rule decided; left to people' };
}
