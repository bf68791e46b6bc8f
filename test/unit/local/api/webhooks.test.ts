import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPipeline } from '../../../../local/api/pipelines.js';
import { handleWebhookRequest } from '../../../../local/api/webhook-endpoint.js';
import {
  deleteWebhook,
  deregisterWebhookWithThirdParty,
  listWebhooks,
  putWebhook,
  registerWebhookWithThirdParty,
} from '../../../../local/api/webhooks.js';
import { parseCidr } from '../../../../local/domain/webhook-rules.js';
import { getWebhook } from '../../../../local/store/webhook-repo.js';
import { errorType, memoryApiContext } from '../../../helpers/api-context.js';
import { validPipeline } from '../../../helpers/pipeline-fixtures.js';

const hmacWebhook = (name = 'w1') => ({
  name,
  targetPipeline: 'p1',
  targetAction: 'Source',
  filters: [{ jsonPath: '$.ref', matchEquals: 'refs/heads/{S3Bucket}' }],
  authentication: 'GITHUB_HMAC' as const,
  authenticationConfiguration: { SecretToken: 'top-secret' },
});

async function setup() {
  const started: string[] = [];
  const ctx = memoryApiContext({
    webhookTriggered: (p: string, w: string) => void started.push(`${p}/${w}`),
  });
  await createPipeline({ pipeline: validPipeline('p1') }, ctx);
  return { ctx, started };
}

describe('Function: putWebhook and friends', () => {
  it('stores a webhook with its local URL, redacts the secret, lists, registers and deletes it', async () => {
    const { ctx } = await setup();
    const out = putWebhook({ webhook: hmacWebhook(), tags: [{ key: 't', value: 'v' }] }, ctx);
    expect(out.webhook).toMatchObject({
      url: 'http://127.0.0.1:4566/_cpkit/webhooks/w1',
      arn: 'arn:aws:codepipeline:us-east-1:000000000000:webhook:w1',
      tags: [{ key: 't', value: 'v' }],
    });
    expect(JSON.stringify(out)).not.toContain('top-secret');
    putWebhook({ webhook: hmacWebhook('w2') }, ctx);
    const first = listWebhooks({ MaxResults: 1 }, ctx);
    expect(first.webhooks!.map((w) => w.definition!.name)).toEqual(['w1']);
    expect(
      listWebhooks({ NextToken: first.NextToken }, ctx).webhooks!.map((w) => w.definition!.name),
    ).toEqual(['w2']);
    registerWebhookWithThirdParty({ webhookName: 'w1' }, ctx);
    expect(getWebhook(ctx.db, 'w1')!.registered).toBe(true);
    deregisterWebhookWithThirdParty({ webhookName: 'w1' }, ctx);
    expect(getWebhook(ctx.db, 'w1')!.registered).toBe(false);
    deleteWebhook({ name: 'w1' }, ctx);
    expect(await errorType(() => registerWebhookWithThirdParty({ webhookName: 'w1' }, ctx))).toBe(
      'WebhookNotFoundException',
    );
  });

  it('refuses a missing pipeline, bad authentication parameters and bad JSONPaths', async () => {
    const { ctx } = await setup();
    expect(
      await errorType(() => putWebhook({ webhook: { ...hmacWebhook(), targetPipeline: 'nope' } }, ctx)),
    ).toBe('PipelineNotFoundException');
    expect(
      await errorType(() =>
        putWebhook({ webhook: { ...hmacWebhook(), authenticationConfiguration: {} } }, ctx),
      ),
    ).toBe('InvalidWebhookAuthenticationParametersException');
    expect(
      await errorType(() =>
        putWebhook(
          {
            webhook: {
              ...hmacWebhook(),
              authentication: 'IP',
              authenticationConfiguration: { AllowedIPRange: '10.0.0.0/33' },
            },
          },
          ctx,
        ),
      ),
    ).toBe('InvalidWebhookAuthenticationParametersException');
    expect(
      await errorType(() =>
        putWebhook({ webhook: { ...hmacWebhook(), filters: [{ jsonPath: 'ref' }] } }, ctx),
      ),
    ).toBe('InvalidWebhookFilterPatternException');
  });
});

describe('Function: handleWebhookRequest', () => {
  it('checks the GitHub HMAC signature and the filters before triggering', async () => {
    const { ctx, started } = await setup();
    putWebhook({ webhook: hmacWebhook() }, ctx);
    const body = Buffer.from(JSON.stringify({ ref: 'refs/heads/src-bucket' }));
    const sig = 'sha256=' + createHmac('sha256', 'top-secret').update(body).digest('hex');
    expect(
      (await handleWebhookRequest(ctx, 'w1', { body, headers: { 'x-hub-signature-256': 'sha256=00' } }))
        .status,
    ).toBe(401);
    expect((await handleWebhookRequest(ctx, 'w1', { body, headers: {} })).status).toBe(401);
    const ok = await handleWebhookRequest(ctx, 'w1', { body, headers: { 'x-hub-signature-256': sig } });
    expect(ok).toEqual({ status: 200, body: { message: 'Pipeline triggered', triggered: true } });
    expect(started).toEqual(['p1/w1']);
    expect(getWebhook(ctx.db, 'w1')!.lastTriggered).toEqual(ctx.now());
    const other = Buffer.from(JSON.stringify({ ref: 'refs/heads/other' }));
    const sha1 = 'sha1=' + createHmac('sha1', 'top-secret').update(other).digest('hex');
    const skipped = await handleWebhookRequest(ctx, 'w1', {
      body: other,
      headers: { 'x-hub-signature': sha1 },
    });
    expect(skipped.body.triggered).toBe(false);
    expect(started).toHaveLength(1);
    expect((await handleWebhookRequest(ctx, 'nope', { body, headers: {} })).status).toBe(404);
  });

  it('checks the sender address for IP authentication', async () => {
    const { ctx, started } = await setup();
    putWebhook(
      {
        webhook: {
          ...hmacWebhook(),
          filters: [],
          authentication: 'IP',
          authenticationConfiguration: { AllowedIPRange: '10.1.0.0/16' },
        },
      },
      ctx,
    );
    const body = Buffer.from('{}');
    expect(
      (await handleWebhookRequest(ctx, 'w1', { body, headers: {}, remoteAddress: '10.2.0.1' })).status,
    ).toBe(403);
    expect(
      (await handleWebhookRequest(ctx, 'w1', { body, headers: {}, remoteAddress: '::ffff:10.1.3.4' })).status,
    ).toBe(200);
    expect(started).toEqual(['p1/w1']);
  });
});

describe('Function: parseCidr', () => {
  it('matches IPv4 and IPv6 ranges', () => {
    expect(parseCidr('192.168.0.0/16')!.contains('192.168.200.1')).toBe(true);
    expect(parseCidr('192.168.0.0/16')!.contains('192.169.0.1')).toBe(false);
    expect(parseCidr('2001:db8::/32')!.contains('2001:db8:1::5')).toBe(true);
    expect(parseCidr('2001:db8::/32')!.contains('2001:db9::5')).toBe(false);
    expect(parseCidr('not-an-ip')).toBeUndefined();
  });
});
