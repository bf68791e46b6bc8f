import { createHash } from 'node:crypto';

/** Which rule found a secret. */
export type SecretRule = 'aws-access-key-id' | 'private-key' | 'high-entropy-token';

/** One committed secret: where it is and a masked view of it (never the value). */
export interface Finding {
  readonly file: string;
  /** 1-based line number. */
  readonly line: number;
  readonly rule: SecretRule;
  /** The first 4 characters, then `*`, then the length: enough to find it, not enough to use it. */
  readonly masked: string;
  /** `sha256:` + the first 16 hex digits of the value's SHA-256, for the allow-list. */
  readonly fingerprint: string;
}

/** Thresholds of the entropy rule (bits per character, Shannon). */
export interface EntropyThresholds {
  /** For base64-like strings (alphabet of 64). @default 4.5 */
  readonly base64: number;
  /** For hex strings (alphabet of 16). @default 3.0 */
  readonly hex: number;
  /** Shortest candidate. @default 20 */
  readonly minLength: number;
}

/** The thresholds of detect-secrets' entropy plugins, the field's usual defaults. */
export const DEFAULT_ENTROPY_THRESHOLDS: EntropyThresholds = Object.freeze({
  base64: 4.5,
  hex: 3.0,
  minLength: 20,
});

const AWS_ACCESS_KEY_ID = /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/g;
const PRIVATE_KEY_BLOCK = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g;
// Runs of base64/base64url characters; '=' only as padding at the end.
const TOKEN_CANDIDATE = /[A-Za-z0-9+/_-]{20,}={0,2}/g;
const HEX = /^[0-9a-fA-F]+$/;
// Subresource-integrity hashes (package-lock.json "integrity": "sha512-...") are public digests, not secrets.
const SRI_PREFIX = /(?:^|[^A-Za-z0-9])(?:sha1|sha256|sha384|sha512)-$/;
const SRI_VALUE = /^(?:sha1|sha256|sha384|sha512)-/;

/**
 * Shannon entropy of `text` in bits per character.
 *
 * @example
 * shannonEntropy('aaaa'); // 0
 * shannonEntropy('abcd'); // 2
 */
export function shannonEntropy(text: string): number {
  if (!text) return 0;
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * Masks a secret for a report: its first 4 characters, asterisks, and its length.
 *
 * @example
 * maskSecret('AKIAABCDEFGHIJKLMNOP'); // 'AKIA************ (20 chars)'
 */
export function maskSecret(value: string): string {
  return `${value.slice(0, 4)}${'*'.repeat(Math.min(12, Math.max(4, value.length - 4)))} (${value.length} chars)`;
}

/** The allow-list fingerprint of a value. */
export function fingerprintOf(value: string): string {
  return `sha256:${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;
}

/**
 * Finds secrets in one line of text. Values inside a private key block are covered by the block's
 * finding, so the caller skips lines until the block ends.
 */
export function scanLine(
  text: string,
  file: string,
  line: number,
  thresholds: EntropyThresholds = DEFAULT_ENTROPY_THRESHOLDS,
): Finding[] {
  const found: { start: number; finding: Finding }[] = [];
  const covered: [number, number][] = [];
  const add = (rule: SecretRule, value: string, start: number) => {
    covered.push([start, start + value.length]);
    found.push({
      start,
      finding: { file, line, rule, masked: maskSecret(value), fingerprint: fingerprintOf(value) },
    });
  };
  for (const m of text.matchAll(PRIVATE_KEY_BLOCK)) add('private-key', m[0], m.index);
  for (const m of text.matchAll(AWS_ACCESS_KEY_ID)) add('aws-access-key-id', m[0], m.index);
  for (const m of text.matchAll(TOKEN_CANDIDATE)) {
    const start = m.index;
    const value = m[0];
    if (covered.some(([a, b]) => start < b && start + value.length > a)) continue;
    if (isHighEntropyToken(value, text.slice(Math.max(0, start - 7), start), thresholds)) {
      add('high-entropy-token', value, start);
    }
  }
  return found.sort((a, b) => a.start - b.start).map((f) => f.finding);
}

function isHighEntropyToken(value: string, before: string, t: EntropyThresholds): boolean {
  const bare = value.replace(/=+$/, '');
  if (bare.length < t.minLength) return false;
  if (SRI_VALUE.test(bare) || SRI_PREFIX.test(before)) return false;
  if (HEX.test(bare)) return shannonEntropy(bare) >= t.hex;
  // Words, paths and identifiers are long but not random: a token mixes letters and digits.
  if (!/[0-9]/.test(bare) || !/[A-Za-z]/.test(bare)) return false;
  return shannonEntropy(bare) >= t.base64;
}

/** Whether `text` starts a private key block (the block's lines are then skipped until its END line). */
export function privateKeyBlockEnd(text: string): RegExp | undefined {
  const m = /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----/.exec(text);
  if (!m) return undefined;
  if (text.includes(`-----END ${m[1]}-----`)) return undefined;
  return new RegExp(`-----END ${m[1]}-----`);
}

/**
 * Scans a whole text file: every line, with private key bodies skipped once their BEGIN line is reported.
 *
 * @example
 * scanText('key = "AKIAABCDEFGHIJKLMNOP"\n', 'config.py'); // one aws-access-key-id finding on line 1
 */
export function scanText(
  content: string,
  file: string,
  thresholds: EntropyThresholds = DEFAULT_ENTROPY_THRESHOLDS,
): Finding[] {
  const findings: Finding[] = [];
  const lines = content.split(/\r?\n/);
  let blockEnd: RegExp | undefined;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i];
    if (blockEnd) {
      if (blockEnd.test(text)) blockEnd = undefined;
      continue;
    }
    findings.push(...scanLine(text, file, i + 1, thresholds));
    blockEnd = privateKeyBlockEnd(text);
  }
  return findings;
}
