import type { $ZodIssue } from 'zod/v4/core';

/**
 * Turns zod issues into one readable line per issue, each naming the path under `root`, e.g.
 * `UserParameters.timeoutMs: expected number, received string`. Works for zod and zod/mini schemas
 * (zod/mini ships no messages, so the text is built from the issue's code).
 *
 * @internal
 * @example
 * ```ts
 * describeZodIssues(result.error.issues, input, 'UserParameters');
 * ```
 */
export function describeZodIssues(
  issues: readonly $ZodIssue[],
  input: unknown,
  root: string,
  inputKnown = true,
): string {
  return issues
    .map((issue) => `${formatPath(root, issue.path)}: ${describeIssue(issue, input, inputKnown)}`)
    .join('; ');
}

/** @internal */
export function formatPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][\w$]*$/.test(segment))
      out += `${out ? '.' : ''}${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out || '(root)';
}

function describeIssue(issue: $ZodIssue, input: unknown, inputKnown: boolean): string {
  switch (issue.code) {
    case 'invalid_type': {
      if (!inputKnown) {
        const text = issue.message?.replace(/^Invalid input: /, '');
        return text && text !== 'Invalid input' ? text : `expected ${issue.expected}`;
      }
      const received = typeName(valueAt(input, issue.path));
      return received === 'undefined'
        ? `required (expected ${issue.expected})`
        : `expected ${issue.expected}, received ${received}`;
    }
    case 'too_small':
      return `${issue.origin === 'string' ? 'length ' : issue.origin === 'array' ? 'item count ' : ''}must be ${issue.inclusive === false ? '>' : '>='} ${String(issue.minimum)}`;
    case 'too_big':
      return `${issue.origin === 'string' ? 'length ' : issue.origin === 'array' ? 'item count ' : ''}must be ${issue.inclusive === false ? '<' : '<='} ${String(issue.maximum)}`;
    case 'invalid_format':
      return `must be a valid ${issue.format}${issue.format === 'url' ? ' (http or https)' : ''}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    case 'not_multiple_of':
      return issue.divisor === 1 ? 'must be an integer' : `must be a multiple of ${String(issue.divisor)}`;
    default:
      return issue.message && issue.message !== 'Invalid input' ? issue.message : 'invalid value';
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
