import type { ApprovalLinkPayload } from '../../toolkit/approval-links.js';

/**
 * The HTML pages of the approval callback. Every dynamic value goes through {@link escapeHtml}; pages carry no
 * script, no external resource and no stack trace.
 */

/** Longest comment a reviewer can add (the whole summary must fit PutApprovalResult's 512 characters). */
export const COMMENT_MAX_CHARS = 300;
/** Longest reviewer name. */
export const NAME_MAX_CHARS = 64;

/** An HTTP response of a Lambda Function URL. */
export interface PageResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Security headers of every page: no caching, no framing, no scripts, forms only to this origin. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // The page URL carries the signed link: never send it to another origin as a Referer.
  'referrer-policy': 'same-origin',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

const STYLE = `body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.4rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}dt{font-weight:600}
textarea,input[type=text]{width:100%;box-sizing:border-box;font:inherit;padding:.4rem}
button{font:inherit;padding:.5rem 1.2rem;border:0;border-radius:4px;color:#fff;cursor:pointer}
.approve{background:#1d7a36}.reject{background:#b3261e}.note{color:#555;font-size:.9rem}`;

function page(statusCode: number, title: string, content: string): PageResponse {
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex,nofollow"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(title)}</h1>
${content}
</body></html>`;
  return { statusCode, headers: { ...PAGE_HEADERS }, body };
}

function facts(payload: Pick<ApprovalLinkPayload, 'pipelineName' | 'stageName' | 'actionName'>): string {
  return `<dl><dt>Pipeline</dt><dd>${escapeHtml(payload.pipelineName)}</dd>
<dt>Stage</dt><dd>${escapeHtml(payload.stageName)}</dd>
<dt>Action</dt><dd>${escapeHtml(payload.actionName)}</dd></dl>`;
}

/** What confirming will do, in words. */
export function consequence(payload: ApprovalLinkPayload): string {
  return payload.decision === 'approve'
    ? `Pipeline ${payload.pipelineName} continues past the approval ${payload.actionName} in stage ${payload.stageName}.`
    : `The approval ${payload.actionName} fails, so stage ${payload.stageName} of pipeline ${payload.pipelineName} stops.`;
}

/** The GET page: shows what will happen and a form that POSTs the signed link back. Changes nothing. */
export function confirmationPage(
  payload: ApprovalLinkPayload,
  link: string,
  confirmMac: string,
): PageResponse {
  const verb = payload.decision === 'approve' ? 'Approve' : 'Reject';
  return page(
    200,
    `${verb} this change?`,
    `${facts(payload)}
<p>${escapeHtml(consequence(payload))}</p>
<form method="post" action="?">
<input type="hidden" name="link" value="${escapeHtml(link)}">
<input type="hidden" name="confirm" value="${escapeHtml(confirmMac)}">
<p><label for="name">Your name (shown in the pipeline's history)</label><br>
<input type="text" id="name" name="name" maxlength="${NAME_MAX_CHARS}" autocomplete="name"></p>
<p><label for="comment">Comment (optional)</label><br>
<textarea id="comment" name="comment" rows="3" maxlength="${COMMENT_MAX_CHARS}"></textarea></p>
<p><button type="submit" class="${payload.decision}">${verb}</button></p>
</form>
<p class="note">This link expires at ${escapeHtml(payload.expiresAt.toISOString().replace('.000Z', 'Z'))}. Opening it changed nothing.</p>`,
  );
}

/** The page after PutApprovalResult succeeded. */
export function resultPage(payload: ApprovalLinkPayload): PageResponse {
  const done = payload.decision === 'approve' ? 'Approved' : 'Rejected';
  return page(200, done, `${facts(payload)}<p>${escapeHtml(consequence(payload))}</p>`);
}

/** A refusal page (403, 404, 405, 409, 410, 413, 415, 400, 502) with a plain explanation. */
export function errorPage(statusCode: number, title: string, explanation: string): PageResponse {
  return page(statusCode, title, `<p>${escapeHtml(explanation)}</p>`);
}
