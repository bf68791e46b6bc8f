/** A link in an approval webhook body: the generic format's `links.approve`, or Slack's `cpkit_approve` button. */
export function approveLinkOf(body: Record<string, unknown>): string {
  const generic = (body.links as { approve?: unknown } | undefined)?.approve;
  if (typeof generic === 'string') return generic;
  const stack: unknown[] = [body];
  while (stack.length) {
    const v = stack.pop();
    if (Array.isArray(v)) stack.push(...v);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.action_id === 'cpkit_approve' && typeof o.url === 'string') return o.url;
      stack.push(...Object.values(o));
    }
  }
  throw new Error('the approval webhook body has no approve link');
}

function unescapeHtml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * Follows an approve link as a reviewer does: GET shows the confirmation page (which changes nothing), then the
 * page's form is POSTed with the reviewer's name. Returns the result page's status.
 *
 * @example
 * await approveAsReviewer(link, 'demo reviewer');
 */
export async function approveAsReviewer(
  link: string,
  reviewer: string,
): Promise<{ status: number; text: string }> {
  const page = await fetch(link);
  const html = await page.text();
  if (page.status !== 200) throw new Error(`the approve link answered HTTP ${page.status}`);
  const form: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form[m[1]] = unescapeHtml(m[2]);
  }
  if (!form.link || !form.confirm) throw new Error('the confirmation page has no approval form');
  const result = await fetch(new URL('?', link), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...form, name: reviewer }).toString(),
  });
  const text = (await result.text())
    .replace(/<(style|head)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return { status: result.status, text };
}
