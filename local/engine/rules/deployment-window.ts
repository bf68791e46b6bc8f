/**
 * The DeploymentWindow rule's cron: 6 required fields and an optional year, separated by white space:
 * seconds (`*` only), minutes 0-59, hours 0-23, day-of-month 1-31 (`? L L-n nW LW`), month 1-12 or JAN-DEC,
 * day-of-week 1-7 or SUN-SAT (`? L nL n#k`), year 1970-2199. `* , - /` everywhere. A minute is inside the
 * window when every field matches it in the rule's time zone (TimeZone, default UTC).
 */

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** A cron expression that cannot be read; the message names the field. */
export class CronSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CronSyntaxError';
  }
}

interface Moment {
  readonly minute: number;
  readonly hour: number;
  readonly day: number;
  readonly month: number;
  /** 1 = Sunday ... 7 = Saturday (cron numbering). */
  readonly weekday: number;
  readonly year: number;
  readonly daysInMonth: number;
}

function momentIn(timeZone: string, at: number): Moment {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    }).formatToParts(new Date(at));
  } catch {
    throw new CronSyntaxError(
      `TimeZone "${timeZone}" is not a known time zone (use an IANA name such as Europe/Paris)`,
    );
  }
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  const year = Number(get('year'));
  const month = Number(get('month'));
  return {
    minute: Number(get('minute')),
    hour: Number(get('hour')),
    day: Number(get('day')),
    month,
    weekday: DAYS.indexOf(get('weekday').toUpperCase()) + 1,
    year,
    daysInMonth: new Date(Date.UTC(year, month, 0)).getUTCDate(),
  };
}

function value(token: string, names: string[] | undefined, field: string, min: number, max: number): number {
  const named = names?.indexOf(token.toUpperCase()) ?? -1;
  const n = named >= 0 ? named + min : /^\d+$/.test(token) ? Number(token) : NaN;
  if (!Number.isInteger(n) || n < min || n > max)
    throw new CronSyntaxError(`Cron field ${field}: "${token}" is not a value between ${min} and ${max}`);
  return n;
}

/** True when `v` is in the list/range/step expression `expr`. */
function inSet(expr: string, v: number, field: string, min: number, max: number, names?: string[]): boolean {
  return expr.split(',').some((part) => {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : value(stepText, undefined, field, 1, max);
    let lo: number;
    let hi: number;
    if (range === '*') [lo, hi] = [min, max];
    else if (range.includes('-')) {
      const [a, b] = range.split('-');
      [lo, hi] = [value(a, names, field, min, max), value(b, names, field, min, max)];
    } else {
      lo = value(range, names, field, min, max);
      hi = stepText === undefined ? lo : max;
    }
    return v >= lo && v <= hi && (v - lo) % step === 0;
  });
}

function dayOfMonthMatches(expr: string, m: Moment): boolean {
  if (expr === '?') return true;
  if (expr === 'L') return m.day === m.daysInMonth;
  if (expr === 'LW') return m.day === nearestWeekday(m, m.daysInMonth);
  const offset = /^L-(\d+)$/.exec(expr);
  if (offset) return m.day === m.daysInMonth - Number(offset[1]);
  const w = /^(\d+)W$/.exec(expr);
  if (w) return m.day === nearestWeekday(m, Math.min(Number(w[1]), m.daysInMonth));
  return inSet(expr, m.day, 'day-of-month', 1, 31);
}

/** The weekday (Mon-Fri) of the month nearest to `target`, without leaving the month. */
function nearestWeekday(m: Moment, target: number): number {
  const weekdayOf = (d: number) => (((m.weekday - 1 + (d - m.day)) % 7) + 7) % 7; // 0 = Sunday
  const wd = weekdayOf(target);
  if (wd === 6) return target === 1 ? 3 : target - 1;
  if (wd === 0) return target === m.daysInMonth ? target - 2 : target + 1;
  return target;
}

function dayOfWeekMatches(expr: string, m: Moment): boolean {
  if (expr === '?') return true;
  if (expr === 'L') return m.weekday === 7;
  const last = /^([A-Za-z0-9]+)L$/.exec(expr);
  if (last) return m.weekday === value(last[1], DAYS, 'day-of-week', 1, 7) && m.day + 7 > m.daysInMonth;
  const nth = /^([A-Za-z0-9]+)#([1-5])$/.exec(expr);
  if (nth)
    return m.weekday === value(nth[1], DAYS, 'day-of-week', 1, 7) && Math.ceil(m.day / 7) === Number(nth[2]);
  return inSet(expr, m.weekday, 'day-of-week', 1, 7, DAYS);
}

/**
 * Whether the minute containing `at` is inside the deployment window `cron` in `timeZone`.
 * Throws {@link CronSyntaxError} for an expression or time zone it cannot read.
 *
 * @example
 * insideDeploymentWindow('* * 9-17 ? * MON-FRI', 'UTC', Date.UTC(2026, 10, 23, 10, 0)); // true (a Monday)
 */
export function insideDeploymentWindow(cron: string, timeZone: string, at: number): boolean {
  const fields = cron.trim().split(/\s+/);
  if (fields.length < 6 || fields.length > 7)
    throw new CronSyntaxError(
      `Cron "${cron}" has ${fields.length} fields: expected 6 (seconds minutes hours day-of-month month day-of-week) and an optional year`,
    );
  const [seconds, minutes, hours, dom, month, dow, year = '*'] = fields;
  if (seconds !== '*') throw new CronSyntaxError(`Cron field seconds must be "*", got "${seconds}"`);
  if (dom !== '?' && dow !== '?' && dom !== '*' && dow !== '*')
    throw new CronSyntaxError('Cron: day-of-month and day-of-week cannot both be specified; use ? in one');
  const m = momentIn(timeZone, at);
  return (
    inSet(minutes, m.minute, 'minutes', 0, 59) &&
    inSet(hours, m.hour, 'hours', 0, 23) &&
    dayOfMonthMatches(dom, m) &&
    inSet(month, m.month, 'month', 1, 12, MONTHS) &&
    dayOfWeekMatches(dow, m) &&
    inSet(year, m.year, 'year', 1970, 2199)
  );
}
