import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { handler, notifyConfig } from '../../../../../lambdas/handlers/approval-notify/index.js';
import { escapeSlack } from '../../../../../lambdas/handlers/approval-notify/webhook-message.js';
import { verifyApprovalLink } from '../../../../../lambdas/toolkit/approval-links.js';
import { captureOutput } from '../../../../helpers/capture-stdout.js';
import { startJsonRecorder, type JsonRecorder } from '../../../../helpers/json-recorder.js';

const SECRET = 'notify-test-secret-0123456789abcdef0123456789';
const TOKEN = '0f9e8d7c-1111-2222-3333-444455556666';

/** The minimal fixture with an expiry a day ahead, plus custom data that needs escaping. */
function event(extra: Record<string, unknown> = {}) {
  const e = JSON.parse(
    readFileSync(new URL('../../../../fixtures/events/sns-approval/minimal.json', import.meta.url), 'utf8'),
  );
  const message = JSON.parse(e.Records[0].Sns.Message);
  message.approval.expires = new Date(Date.now() + 86_400_000).toISOString().slice(0, 16) + 'Z';
  Object.assign(message.approval, extra);
  e.Records[0].Sns.Message = JSON.stringify(message);
  return e;
}

let webhook: JsonRecorder;
const saved = { ...process.env };

beforeAll(async () => {
  webhook = await startJsonRecorder();
});
afterAll(() => webhook.close());
afterEach(() => {
  process.env = { ...saved };
  webhook.requests.length = 0;
  webhook.respondWith(() => undefined);
});

function configure(format?: string): void {
  process.env.APPROVAL_SECRET = SECRET;
  process.env.CALLBACK_URL = 'https://cb.lambda-url.eu-west-1.on.aws/';
  process.env.WEBHOOK_URL = `${webhook.url}/services/T000/B000/XXXXSECRETPATH`;
  if (format) process.env.FORMAT = format;
}

describe('Function: handler (approval-notify)', () => {
  it('posts Slack blocks with two signed buttons and never logs the token, links or webhook URL', async () => {
    // Prepare
    configure();
    const out = captureOutput();
    // Act
    let outcomes;
    try {
      outcomes = await handler(
        event({
          customData: 'Check <dashboard> & logs',
          externalEntityLink: 'https://review.example.com/pr/42',
        }),
      );
    } finally {
      out.restore();
    }
    // Assess
    expect(outcomes).toEqual([
      { pipelineName: 'deploy', stageName: 'Gate', actionName: 'Review', status: 'posted' },
    ]);
    expect(webhook.requests).toHaveLength(1);
    const body = webhook.requests[0].body;
    expect(webhook.requests[0].headers['content-type']).toBe('application/json');
    const buttons = body.blocks.find((b: any) => b.type === 'actions').elements;
    expect(buttons.map((b: any) => b.style)).toEqual(['primary', 'danger']);
    const approve = verifyApprovalLink(new URL(buttons[0].url).searchParams.get('link')!, { secret: SECRET });
    const reject = verifyApprovalLink(new URL(buttons[1].url).searchParams.get('link')!, { secret: SECRET });
    expect(approve).toMatchObject({ ok: true, payload: { decision: 'approve', token: TOKEN } });
    expect(reject).toMatchObject({ ok: true, payload: { decision: 'reject' } });
    const text = JSON.stringify(body.blocks);
    expect(text).toContain('Check &lt;dashboard&gt; &amp; logs');
    expect(text).toContain('<https://review.example.com/pr/42|Review the change>');
    expect(webhook.requests[0].raw).not.toContain(TOKEN);
    const logs = out.text();
    expect(out.records().some((r) => r.message === 'Approval links posted')).toBe(true);
    for (const secret of [TOKEN, SECRET, 'XXXXSECRETPATH', buttons[0].url, buttons[1].url]) {
      expect(logs).not.toContain(secret);
    }
  });

  it('posts the generic JSON form with links capped at one hour', async () => {
    // Prepare
    configure('generic');
    const out = captureOutput();
    // Act
    try {
      await handler(event());
    } finally {
      out.restore();
    }
    // Assess
    const body = webhook.requests[0].body;
    expect(body).toMatchObject({
      type: 'codepipeline.approval-needed',
      pipeline: 'deploy',
      stage: 'Gate',
      action: 'Review',
      customData: null,
      region: 'eu-west-1',
    });
    const expiresIn = Date.parse(body.links.expiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(3_500_000);
    expect(expiresIn).toBeLessThanOrEqual(3_600_000);
  });

  it('throws on a webhook error so Lambda retries, without the URL in the message', async () => {
    // Prepare
    configure();
    webhook.respondWith(() => ({ status: 500 }));
    const out = captureOutput();
    // Act
    let error: Error | undefined;
    try {
      await handler(event()).catch((e: Error) => (error = e));
    } finally {
      out.restore();
    }
    // Assess
    expect(error?.message).toMatch(/answered HTTP 500 for deploy\/Gate/);
    expect(error?.message).not.toContain('XXXXSECRETPATH');
  });

  it('reads the webhook URL from Secrets Manager once per container when WEBHOOK_URL_SECRET_ARN is set', async () => {
    // Prepare
    const secrets = await startJsonRecorder();
    secrets.respondWith(() => ({ body: { SecretString: `${webhook.url}/services/T1/B1/FROMSECRET` } }));
    configure();
    delete process.env.WEBHOOK_URL;
    process.env.WEBHOOK_URL_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hook-AbCdEf';
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = secrets.url;
    const out = captureOutput();
    // Act
    try {
      await handler(event());
      await handler(event());
    } finally {
      out.restore();
      await secrets.close();
    }
    // Assess
    expect(webhook.requests.map((r) => r.path)).toEqual([
      '/services/T1/B1/FROMSECRET',
      '/services/T1/B1/FROMSECRET',
    ]);
    expect(secrets.requests).toHaveLength(1);
    expect(secrets.requests[0].target).toBe('secretsmanager.GetSecretValue');
    expect(out.text()).not.toContain('FROMSECRET');
  });

  it('skips an approval that already expired', async () => {
    // Prepare
    configure();
    const out = captureOutput();
    // Act
    let outcomes;
    try {
      outcomes = await handler(event({ expires: '2020-01-01T00:00Z' }));
    } finally {
      out.restore();
    }
    // Assess
    expect(outcomes?.[0].status).toBe('skipped-expired');
    expect(webhook.requests).toHaveLength(0);
  });
});

describe('Function: notifyConfig', () => {
  it('names the bad variable', () => {
    const base = { CALLBACK_URL: 'https://a/', WEBHOOK_URL: 'https://b/' };
    expect(() => notifyConfig({ WEBHOOK_URL: 'https://b/' })).toThrow(/CALLBACK_URL is not set/);
    expect(() => notifyConfig({ CALLBACK_URL: 'https://a/' })).toThrow(
      /WEBHOOK_URL \(or WEBHOOK_URL_SECRET_ARN\) is not set/,
    );
    expect(() => notifyConfig({ ...base, WEBHOOK_URL: 'ftp://x' })).toThrow(/WEBHOOK_URL is not an http/);
    expect(() => notifyConfig({ ...base, FORMAT: 'teams' })).toThrow(/FORMAT must be slack or generic/);
    expect(() => notifyConfig({ ...base, LINK_TTL_SECONDS: '-5' })).toThrow(/LINK_TTL_SECONDS/);
    expect(notifyConfig({ ...base, FORMAT: 'Generic' }).format).toBe('generic');
  });
});

describe('Function: escapeSlack', () => {
  it('escapes the three mrkdwn control characters', () => {
    expect(escapeSlack('<@U123> & <!here>')).toBe('&lt;@U123&gt; &amp; &lt;!here&gt;');
  });
});
