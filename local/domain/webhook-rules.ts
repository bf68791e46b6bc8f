import { isIP } from 'node:net';
import type { WebhookDefinition } from '@aws-sdk/client-codepipeline';
import { ServiceError } from '../errors.js';

/**
 * A parsed CIDR range (`10.0.0.0/8`, `2001:db8::/32`) or a single address.
 * @example
 * parseCidr('192.168.0.0/16')?.contains('192.168.1.10'); // true
 */
export function parseCidr(range: string): { contains(address: string): boolean } | undefined {
  const [address, bitsText, ...extra] = range.trim().split('/');
  const family = isIP(address);
  if (!family || extra.length) return undefined;
  const width = family === 4 ? 32 : 128;
  const bits = bitsText === undefined ? width : Number(bitsText);
  if (
    !Number.isInteger(bits) ||
    bits < 0 ||
    bits > width ||
    (bitsText !== undefined && !/^\d+$/.test(bitsText))
  )
    return undefined;
  const base = toBigInt(address);
  const mask = bits === 0 ? 0n : ((1n << BigInt(bits)) - 1n) << BigInt(width - bits);
  return {
    contains(candidate: string) {
      let a = candidate.startsWith('::ffff:') && family === 4 ? candidate.slice(7) : candidate;
      if (isIP(a) !== family) return false;
      a = a.trim();
      return (toBigInt(a) & mask) === (base & mask);
    },
  };
}

function toBigInt(address: string): bigint {
  if (isIP(address) === 4)
    return address.split('.').reduce((n, part) => (n << 8n) + BigInt(Number(part)), 0n);
  const [head, tail = ''] = address.split('::');
  const h = head ? head.split(':') : [];
  let t = tail ? tail.split(':') : [];
  const last = t.length ? t[t.length - 1] : h[h.length - 1];
  const groups: string[] = [];
  if (last && last.includes('.')) {
    const v4 = toBigInt(last);
    const extra = [(v4 >> 16n).toString(16), (v4 & 0xffffn).toString(16)];
    if (t.length) t = [...t.slice(0, -1), ...extra];
    else h.splice(h.length - 1, 1, ...extra);
  }
  const fill = address.includes('::') ? 8 - h.length - t.length : 0;
  groups.push(...h, ...Array(fill).fill('0'), ...t);
  return groups.reduce((n, g) => (n << 16n) + BigInt(parseInt(g || '0', 16)), 0n);
}

/** The JSONPath subset webhook filters accept: `$`, `.name`, `['name']`, `[index]`. */
export function parseJsonPath(path: string): (string | number)[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const segments: (string | number)[] = [];
  const re = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/y;
  let i = 1;
  while (i < path.length) {
    re.lastIndex = i;
    const m = re.exec(path);
    if (!m) return undefined;
    segments.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : (m[3] ?? m[4])));
    i = re.lastIndex;
  }
  return segments;
}

/**
 * PutWebhook rules: GITHUB_HMAC needs SecretToken, IP needs a valid CIDR AllowedIPRange
 * (InvalidWebhookAuthenticationParametersException); every filter's jsonPath must be a JSONPath
 * this server evaluates (InvalidWebhookFilterPatternException).
 */
export function checkWebhookDefinition(w: WebhookDefinition): void {
  const auth = w.authenticationConfiguration ?? {};
  const badAuth = (m: string) => new ServiceError('InvalidWebhookAuthenticationParametersException', m);
  if (w.authentication === 'GITHUB_HMAC') {
    if (!auth.SecretToken) throw badAuth('SecretToken is required for GITHUB_HMAC authentication');
    if (auth.AllowedIPRange)
      throw badAuth('For GITHUB_HMAC authentication, only the SecretToken property must be set');
  }
  if (w.authentication === 'IP') {
    if (!auth.AllowedIPRange) throw badAuth('AllowedIPRange is required for IP authentication');
    if (auth.SecretToken)
      throw badAuth('For IP authentication, only the AllowedIPRange property must be set');
    if (!parseCidr(auth.AllowedIPRange))
      throw badAuth(`AllowedIPRange '${auth.AllowedIPRange}' is not a valid CIDR range`);
  }
  for (const f of w.filters ?? [])
    if (!parseJsonPath(f.jsonPath!))
      throw new ServiceError(
        'InvalidWebhookFilterPatternException',
        `The JSONPath '${f.jsonPath}' is not valid`,
      );
}
