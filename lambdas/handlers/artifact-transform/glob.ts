/**
 * Compiles path globs (`*` within a segment, `**` across segments, `?` one character, `{a,b}` either)
 * into one matcher over `/`-separated relative paths.
 *
 * @example
 * ```ts
 * const isTemplate = globMatcher(['**\/*.tmpl', 'config/*.json']);
 * isTemplate('config/app.json'); // true
 * ```
 */
export function globMatcher(patterns: readonly string[]): (path: string) => boolean {
  const regexes = patterns.map(globToRegExp);
  return (path) => regexes.some((r) => r.test(path));
}

/** One glob as an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  let inBraces = false;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slashAfter = glob[i + 2] === '/';
        out += slashAfter ? '(?:.*/)?' : '.*';
        i += slashAfter ? 2 : 1;
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '{') {
      inBraces = true;
      out += '(?:';
    } else if (c === '}' && inBraces) {
      inBraces = false;
      out += ')';
    } else if (c === ',' && inBraces) {
      out += '|';
    } else {
      out += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${out}$`);
}
