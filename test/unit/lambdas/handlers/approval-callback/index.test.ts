import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  approvalSummary,
  createCallbackHandler,
} from '../../../../../lambdas/handlers/approval-callback/index.js';
import { escapeHtml } from '../../../../../lambdas/handlers/approval-callback/pages.js';
import { createApprovalLinks } from '../../../../../lambdas/toolkit/approval-links.js';
import { captureOutput } from '../../../../helpers/capture-stdout.js';
import { startJsonRecorder, type JsonRecorder } from '../../../../helpers/json-recorder.js';
import { codePipelineClient } from '../../../../helpers/local-server.js';

const SECRET = 'callback-test-secret-0123456789abcdef012345';
const TOKEN = '0f9e8d7c-1111-2222-3333-444455556666';
const HOST = 'abc123.lambda-url.eu-west-1.on.aws';
const NOW = new Date('2026-11-23T10:00:00Z');

/**
 * A CodePipeline stand-in on loopback that keeps one approval: GetPipelineState shows it InProgress with its
 * token until PutApprovalResult decides it; afterwards PutApprovalResult answers ApprovalAlreadyCompletedException.
 */
let service: JsonRecorder;
let decided: string | undefined;

beforeAll(async () => {
  service = await startJsonRecorder();
});
afterAll(() => service.close());
beforeEach(() => {
  decided = undefined;
  service.requests.length = 0;
  service.respondWith((req) => {
    if (req.operation === 'GetPipelineState') {
      return {
        body: {
          pipelineName: req.body.name,
          stageStates: [
            {
              stageName: 'Gate',
              actionStates: [
                {
                  actionName: 'Review',
                  latestExecution: decided
                    ? { status: decided === 'Approved' ? 'Succeeded' : 'Failed', token: TOKEN }
                    : { status: 'InProgress', token: TOKEN },
                },
              ],
            },
          ],
        },
      };
    }
    if (req.operation === 'PutApprovalResult') {
      if (decided) {
        return { status: 400, body: { __type: 'ApprovalAlreadyCompletedException', message: 'done' } };
      }
      if (req.body.token !== TOKEN) {
        return { status: 400, body: { __type: 'InvalidApprovalTokenException', message: 'bad token' } };
      }
      decided = req.body.result.status;
      return { body: { approvedAt: NOW.getTime() / 1000 } };
    }
    return { status: 400, body: { __type: 'ValidationException', message: 'unexpected' } };
  });
});

function handlerAt(now = NOW) {
  const client = codePipelineClient(service.url);
  return createCallbackHandler({ client: () => client, secret: async () => SECRET, now: () => now });
}

function links(pipelineName = 'deploy') {
  return createApprovalLinks(
    {
      approval: {
        pipelineName,
        stageName: 'Gate',
        actionName: 'Review',
        token: TOKEN,
        expires: new Date('2026-11-30T10:00:00Z'),
      },
    },
    { secret: SECRET, callbackUrl: `https://${HOST}/`, now: NOW },
  );
}

function get(url: string, headers: Record<string, string> = {}): LambdaFunctionURLEvent {
  const u = new URL(url);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: u.pathname,
    rawQueryString: u.search.slice(1),
    headers: { host: HOST, ...headers },
    requestContext: { http: { method: 'GET', path: u.pathname, sourceIp: '203.0.113.9' }, domainName: HOST },
    isBase64Encoded: false,
  } as unknown as LambdaFunctionURLEvent;
}

function post(fields: Record<string, string>, headers: Record<string, string> = {}, base64 = false) {
  const body = new URLSearchParams(fields).toString();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: {
      host: HOST,
      'content-type': 'application/x-www-form-urlencoded',
      origin: `https://${HOST}`,
      ...headers,
    },
    body: base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: base64,
    requestContext: { http: { method: 'POST', path: '/', sourceIp: '203.0.113.9' }, domainName: HOST },
  } as unknown as LambdaFunctionURLEvent;
}

/** Reads the hidden form fields out of a confirmation page. */
function formOf(html: string): Record<string, string> {
  const field = (name: string) =>
    new RegExp(`name="${name}" value="([^"]*)"`)
      .exec(html)?.[1]
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&') ?? '';
  return { link: field('link'), confirm: field('confirm') };
}

async function run<T>(fn: () => Promise<T>): Promise<{ result: T; logs: string }> {
  const out = captureOutput();
  try {
    const result = await fn();
    return { result, logs: out.text() };
  } finally {
    out.restore();
  }
}

describe('Function: createCallbackHandler (approval-callback)', () => {
  it('GET shows a confirmation page and changes nothing; POST from it approves once', async () => {
    // Prepare
    const handle = handlerAt();
    const { approve } = links();
    // Act
    const page = await run(() => handle(get(approve)));
    const form = formOf(page.result.body!);
    const done = await run(() =>
      handle(post({ ...form, name: 'Alice <admin>', comment: 'Dashboards green & quiet' })),
    );
    const again = await run(() => handle(post({ ...form })));
    const reopened = await run(() => handle(get(approve)));
    // Assess
    expect(page.result.statusCode).toBe(200);
    expect(page.result.headers!['content-security-policy']).toContain("form-action 'self'");
    expect(page.result.headers!['referrer-policy']).toBe('same-origin');
    expect(page.result.body).toContain('Approve this change?');
    expect(page.result.body).toContain('Pipeline deploy continues past the approval Review in stage Gate.');
    expect(service.byOperation('PutApprovalResult')).toHaveLength(2);
    expect(service.byOperation('PutApprovalResult')[0].body).toEqual({
      pipelineName: 'deploy',
      stageName: 'Gate',
      actionName: 'Review',
      token: TOKEN,
      result: {
        status: 'Approved',
        summary: 'Approved via signed link by Alice <admin> from 203.0.113.9: Dashboards green & quiet',
      },
    });
    expect(done.result.statusCode).toBe(200);
    expect(done.result.body).toContain('<h1>Approved</h1>');
    expect(again.result.statusCode).toBe(409);
    expect(again.result.body).toContain('Already decided');
    expect(reopened.result.statusCode).toBe(409);
    for (const { logs } of [page, done, again, reopened]) {
      expect(logs).not.toContain(TOKEN);
      expect(logs).not.toContain(form.link);
      expect(logs).not.toContain(SECRET);
    }
  });

  it('still shows the page while another run of the action waits (PARALLEL mode)', async () => {
    // Prepare
    service.respondWith((req) =>
      req.operation === 'GetPipelineState'
        ? {
            body: {
              stageStates: [
                {
                  stageName: 'Gate',
                  actionStates: [
                    {
                      actionName: 'Review',
                      latestExecution: {
                        status: 'InProgress',
                        token: '11111111-2222-3333-4444-555555555555',
                      },
                    },
                  ],
                },
              ],
            },
          }
        : undefined,
    );
    // Act
    const page = await run(() => handlerAt()(get(links().approve)));
    // Assess
    expect(page.result.statusCode).toBe(200);
  });

  it('rejects through the reject link with a base64 body', async () => {
    // Prepare
    const handle = handlerAt();
    const page = await run(() => handle(get(links().reject)));
    // Act
    const done = await run(() => handle(post(formOf(page.result.body!), {}, true)));
    // Assess
    expect(done.result.statusCode).toBe(200);
    expect(service.byOperation('PutApprovalResult')[0].body.result.status).toBe('Rejected');
  });

  it('answers 403 for a tampered link and 410 for an expired one, without touching the approval', async () => {
    // Prepare
    const approve = new URL(links().approve);
    const link = approve.searchParams.get('link')!;
    const [v, payload, sig] = link.split('.');
    const data = JSON.parse(Buffer.from(payload, 'base64url').toString());
    data.d = 'reject';
    approve.searchParams.set(
      'link',
      `${v}.${Buffer.from(JSON.stringify(data)).toString('base64url')}.${sig}`,
    );
    // Act
    const tampered = await run(() => handlerAt()(get(approve.toString())));
    const expired = await run(() => handlerAt(new Date('2026-11-23T11:00:01Z'))(get(links().approve)));
    const missing = await run(() => handlerAt()(get(`https://${HOST}/`)));
    // Assess
    expect(tampered.result.statusCode).toBe(403);
    expect(expired.result.statusCode).toBe(410);
    expect(missing.result.statusCode).toBe(400);
    expect(service.byOperation('PutApprovalResult')).toHaveLength(0);
  });

  it('refuses a POST without the page confirmation, cross-origin, or with the wrong content type', async () => {
    // Prepare
    const handle = handlerAt();
    const page = await run(() => handle(get(links().approve)));
    const form = formOf(page.result.body!);
    // Act
    const bare = await run(() => handle(post({ link: form.link })));
    const crossOrigin = await run(() => handle(post(form, { origin: 'https://evil.example' })));
    const nullOrigin = await run(() => handle(post(form, { origin: 'null' })));
    const crossReferer = await run(() =>
      handle(post(form, { origin: undefined as unknown as string, referer: 'https://evil.example/x' })),
    );
    const json = await run(() => handle(post(form, { 'content-type': 'application/json' })));
    const put = await run(() =>
      handle({
        ...post(form),
        requestContext: { http: { method: 'PUT' } },
      } as unknown as LambdaFunctionURLEvent),
    );
    // Assess
    expect(bare.result.statusCode).toBe(403);
    expect(crossOrigin.result.statusCode).toBe(403);
    expect(nullOrigin.result.statusCode).toBe(403);
    expect(crossReferer.result.statusCode).toBe(403);
    expect(json.result.statusCode).toBe(415);
    expect(put.result.statusCode).toBe(405);
    expect(service.byOperation('PutApprovalResult')).toHaveLength(0);
  });

  it('escapes names in pages and shows no stack trace when the service fails', async () => {
    // Prepare
    const handle = handlerAt();
    const page = await run(() => handle(get(links('a<script>x').approve)));
    service.respondWith(() => ({ status: 400, body: { __type: 'AccessDeniedException', message: 'nope' } }));
    // Act
    const failed = await run(() => handle(post(formOf(page.result.body!))));
    // Assess
    expect(page.result.body).toContain('a&lt;script&gt;x');
    expect(page.result.body).not.toContain('<script>');
    expect(failed.result.statusCode).toBe(502);
    expect(failed.result.body).not.toMatch(/at .*\.js|Error:/);
  });
});

describe('Function: approvalSummary', () => {
  it('keeps the summary within 512 characters, cutting the comment', () => {
    const summary = approvalSummary('reject', 'Bob', '198.51.100.1', 'x'.repeat(600));
    expect(summary).toHaveLength(512);
    expect(summary.startsWith('Rejected via signed link by Bob from 198.51.100.1: xxx')).toBe(true);
    expect(approvalSummary('approve', '', undefined, '')).toBe(
      'Approved via signed link by an unnamed reviewer',
    );
  });
});

describe('Function: escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
