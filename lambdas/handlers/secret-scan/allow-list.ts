/** Name of the allow-list file at the root of the scanned artifact. */
export const ALLOW_LIST_FILE = '.secret-scan-allow';

/**
 * The parsed `.secret-scan-allow` file. One entry per line; `#` starts a comment:
 * - `sha256:<hex>`: a value's fingerprint as printed in a finding (at least 8 hex digits), allowed anywhere;
 * - `<path>:<line>`: a finding at exactly that place;
 * - anything else: a path glob (`*`, `**`, `?`; without a `/` it matches the name at any depth; a trailing
 *   `/` matches everything below a directory) whose files are not scanned.
 */
export interface AllowList {
  /** Files not to scan. */
  skipsFile(path: string): boolean;
  /** Whether a finding is allowed. */
  allows(finding: { file: string; line: number; fingerprint: string }): boolean;
  /** Lines that could not be read, as `line N: reason`. */
  readonly problems: readonly string[];
}

function globToRegExp(glob: string): RegExp {
  // gitignore-like: a slash at the start or in the middle anchors the pattern at the artifact's root.
  const anchored = glob.replace(/\/$/, '').includes('/');
  let pattern = glob.replace(/^\//, '');
  if (pattern.endsWith('/')) pattern += '**';
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      re += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += pattern[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(anchored ? `^${re}$` : `(?:^|/)${re}$`);
}

/**
 * Reads an allow-list file's text.
 *
 * @example
 * const allow = parseAllowList('docs/**\nsha256:0123456789abcdef\nsrc/app.ts:12\n');
 * allow.skipsFile('docs/a.md'); // true
 */
export function parseAllowList(text: string): AllowList {
  const globs: RegExp[] = [];
  const fingerprints: string[] = [];
  const places = new Set<string>();
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) return;
    const fp = /^sha256:([0-9a-f]+)$/i.exec(line);
    if (fp) {
      if (fp[1].length < 8) problems.push(`line ${i + 1}: a fingerprint needs at least 8 hex digits`);
      else fingerprints.push(`sha256:${fp[1].toLowerCase()}`);
      return;
    }
    const place = /^(.+):(\d+)$/.exec(line);
    if (place) {
      places.add(`${place[1].replace(/^\.?\//, '')}:${Number(place[2])}`);
      return;
    }
    globs.push(globToRegExp(line));
  });
  return {
    problems,
    skipsFile: (path) => globs.some((g) => g.test(path)),
    allows: (f) => places.has(`${f.file}:${f.line}`) || fingerprints.some((p) => f.fingerprint.startsWith(p)),
  };
}
