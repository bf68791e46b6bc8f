import type { LambdaFunctionURLEvent } from 'aws-lambda';

/** Largest form body accepted (the form has four short fields). */
export const MAX_FORM_BYTES = 16 * 1024;

/** Lower-cased request headers (Function URLs already lower-case them; local servers may not). */
export function lowerHeaders(event: LambdaFunctionURLEvent): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {}))
    if (typeof v === 'string') out[k.toLowerCase()] = v;
  return out;
}

/** The request body as text (Function URLs base64-encode bodies they consider binary). */
export function bodyText(event: LambdaFunctionURLEvent): string {
  const body = event.body ?? '';
  return event.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * CSRF check for the POST: when the browser sends `Origin` (or, failing that, `Referer`), its host must be this
 * function's own host (the `Host` header or the Function URL domain) or the configured callback URL's host.
 * `Origin: null` (sandboxed frames, opaque origins) is refused. Requests without either header (non-browser
 * clients) pass; the signed link and the confirmation MAC still authorize them.
 */
export function isSameOrigin(event: LambdaFunctionURLEvent, callbackUrl: string | undefined): boolean {
  const headers = lowerHeaders(event);
  const allowed = new Set<string>();
  if (headers.host) allowed.add(headers.host.toLowerCase());
  if (event.requestContext?.domainName) allowed.add(event.requestContext.domainName.toLowerCase());
  const configured = callbackUrl ? hostOf(callbackUrl) : undefined;
  if (configured) allowed.add(configured);
  const origin = headers.origin;
  if (origin !== undefined) {
    const host = origin === 'null' ? undefined : hostOf(origin);
    return host !== undefined && allowed.has(host);
  }
  const referer = headers.referer;
  if (referer !== undefined) {
    const host = hostOf(referer);
    return host !== undefined && allowed.has(host);
  }
  return true;
}

/** True for `application/x-www-form-urlencoded` (with or without a charset parameter). */
export function isFormContentType(event: LambdaFunctionURLEvent): boolean {
  const type = lowerHeaders(event)['content-type'] ?? '';
  return type.split(';')[0].trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

/** Removes control characters (keeping newlines and tabs) and trims. */
export function cleanText(text: string | null, max: number): string {
  const kept = [...(text ?? '')].filter((ch) => {
    const code = ch.charCodeAt(0);
    return ch === '\n' || ch === '\t' || (code >= 0x20 && code !== 0x7f);
  });
  return kept.join('').trim().slice(0, max);
}
