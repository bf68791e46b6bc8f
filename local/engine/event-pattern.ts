/**
 * EventBridge event-pattern matching for local rules: exact values (strings, numbers, booleans, null),
 * `prefix`, `suffix`, `equals-ignore-case`, `anything-but` (a value, a list, or `{prefix}`), `exists`,
 * nested objects, and array-valued event fields (a match if any element matches).
 *
 * @example
 * matchesPattern({ source: ['aws.codepipeline'], detail: { state: [{ 'anything-but': 'STARTED' }] } }, event);
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (!isObject(pattern)) return false;
  return matchObject(pattern, event);
}

/** Throws an Error naming the first part of `pattern` that is not a valid event pattern. */
export function validatePattern(pattern: unknown, path = ''): void {
  if (!isObject(pattern)) throw new Error(`event pattern${path ? ` at ${path}` : ''} must be a JSON object`);
  for (const [key, value] of Object.entries(pattern)) {
    const here = path ? `${path}.${key}` : key;
    if (Array.isArray(value)) {
      for (const m of value) {
        if (isObject(m)) {
          const ops = Object.keys(m);
          const known = ['prefix', 'suffix', 'equals-ignore-case', 'anything-but', 'exists'];
          if (ops.length !== 1 || !known.includes(ops[0])) {
            throw new Error(
              `event pattern at ${here}: unsupported matcher ${JSON.stringify(m)} (supported: ${known.join(', ')})`,
            );
          }
        }
      }
    } else if (isObject(value)) validatePattern(value, here);
    else throw new Error(`event pattern at ${here}: a value must be an array of matchers or a nested object`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function matchObject(pattern: Record<string, unknown>, event: unknown): boolean {
  for (const [key, sub] of Object.entries(pattern)) {
    const value = isObject(event) ? event[key] : undefined;
    const present = isObject(event) && key in event;
    if (Array.isArray(sub)) {
      if (!matchField(sub, value, present)) return false;
    } else if (isObject(sub)) {
      if (!matchObject(sub, value)) return false;
    } else return false;
  }
  return true;
}

function matchField(matchers: unknown[], value: unknown, present: boolean): boolean {
  const values = Array.isArray(value) ? value : [value];
  return matchers.some((m) => {
    if (isObject(m) && 'exists' in m) {
      const leaf = present && !isObject(value);
      return m.exists === true ? leaf : !present;
    }
    if (!present) return false;
    return values.some((v) => matchValue(m, v));
  });
}

function matchValue(m: unknown, v: unknown): boolean {
  if (!isObject(m)) return m === v;
  if ('prefix' in m) return typeof v === 'string' && typeof m.prefix === 'string' && v.startsWith(m.prefix);
  if ('suffix' in m) return typeof v === 'string' && typeof m.suffix === 'string' && v.endsWith(m.suffix);
  if ('equals-ignore-case' in m) {
    return (
      typeof v === 'string' &&
      typeof m['equals-ignore-case'] === 'string' &&
      v.toLowerCase() === (m['equals-ignore-case'] as string).toLowerCase()
    );
  }
  if ('anything-but' in m) {
    const but = m['anything-but'];
    if (Array.isArray(but)) return !but.includes(v);
    if (isObject(but) && 'prefix' in but) return !(typeof v === 'string' && v.startsWith(String(but.prefix)));
    return v !== but;
  }
  return false;
}
