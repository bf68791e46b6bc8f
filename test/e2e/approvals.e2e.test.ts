import { PutApprovalResultCommand, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArtifactStore } from '../../local/s3/artifact-store.js';
import { createApprovalLinks } from '../../lambdas/toolkit/approval-links.js';
import {
  approvalState,
  bundleApprovalHandlers,
  confirmationForm,
  eventually,
  localFunction,
} from '../helpers/approval-e2e.js';
import { createPipeline, putSource, waitForExecution } from '../helpers/engine-e2e.js';
import { startJsonRecorder, type JsonRecorder } from '../helpers/json-recorder.js';
import { startTestServer, type TestLocalServer } from '../helpers/local-server.js';
import { memoryArtifactStore } from '../helpers/memory-artifact-store.js';

const SECRET = 'e2e-approval-secret-0123456789abcdef0123456789';
const TOPIC = 'arn:aws:sns:us-east-1:000000000000:approvals';
let local: TestLocalServer;
let webhook: JsonRecorder;
let bundles: Awaited<ReturnType<typeof bundleApprovalHandlers>>;
const tokens: string[] = [];

const approvalAction = (extra: Record<string, unknown> = {}) => ({
  name: 'Review',
  actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' },
  configuration: {
    NotificationArn: TOPIC,
    CustomData: 'Check the <staging> dashboard',
    ExternalEntityLink: 'https://review.example.com/pr/42',
  },
  ...extra,
});

const policy = (rules: unknown[]) => JSON.stringify({ timeZone: 'Europe/Berlin', rules });

beforeAll(async () => {
  webhook = await startJsonRecorder();
  bundles = await bundleApprovalHandlers();
  local = await startTestServer({
    engine: {
      startOnCreate: false,
      lambdaRetryDelaysMs: [20, 20],
      subscriptions: [{ topic: 'approvals', function: 'approval-notify' }],
      rules: ['open', 'freeze'].map((kind) => ({
        name: `policy-${kind}`,
        eventPattern: {
          source: ['aws.codepipeline'],
          'detail-type': ['CodePipeline Action Execution State Change'],
          detail: { pipeline: [`policy-${kind}`], state: ['STARTED'], type: { category: ['Approval'] } },
        },
        targets: [{ function: `approval-policy-${kind}` }],
      })),
    },
  });
  const callbackUrl = `${local.endpoint}/_cpkit/functions/approval-callback/`;
  // The callback URL is known once the server listens: the engine reads services.functions on each use.
  local.services.functions = [
    localFunction('approval-notify', bundles.bundle('approval-notify'), {
      APPROVAL_SECRET: SECRET,
      CALLBACK_URL: callbackUrl,
      WEBHOOK_URL: `${webhook.url}/hooks/T000/B000/SECRETPATH`,
      FORMAT: 'generic',
    }),
    localFunction('approval-callback', bundles.bundle('approval-callback'), { APPROVAL_SECRET: SECRET }),
    localFunction('approval-policy-open', bundles.bundle('approval-policy'), {
      POLICY: policy([{ name: 'always open', type: 'window', from: '00:00', to: '24:00' }]),
    }),
    localFunction('approval-policy-freeze', bundles.bundle('approval-policy'), {
      POLICY: policy([{ name: 'long freeze', type: 'freeze', from: '2000-01-01', to: '2999-12-31' }]),
    }),
  ];
  local.services.artifacts ??= memoryArtifactStore();
  await putSource(local.services.artifacts as ArtifactStore, 'source.zip', 'source-bytes');
});

afterAll(async () => {
  await local?.stop();
  await webhook?.close();
  if (bundles) rmSync(bundles.dir, { recursive: true, force: true });
});

/** Creates and starts a pipeline with one approval stage; resolves when the approval waits with a token. */
async function startApproval(name: string, extra: Record<string, unknown> = {}) {
  await createPipeline(local.client, name, [{ name: 'Gate', actions: [approvalAction(extra) as never] }]);
  const { pipelineExecutionId } = await local.client.send(new StartPipelineExecutionCommand({ name }));
  const waiting = await eventually(async () => {
    const s = await approvalState(local.client, name);
    return s?.status === 'InProgress' && s.token ? s : undefined;
  });
  tokens.push(waiting.token!);
  return { id: pipelineExecutionId!, token: waiting.token! };
}

async function linksFor(pipeline: string): Promise<{ approve: string; reject: string }> {
  const post = await eventually(() => webhook.requests.find((r) => r.body?.pipeline === pipeline));
  return post.body.links;
}

async function confirm(link: string, fields: Record<string, string> = {}) {
  const page = await fetch(link);
  const html = await page.text();
  const form = confirmationForm(html);
  const origin = new URL(link).origin;
  const post = (body: Record<string, string>) =>
    fetch(new URL('?', link), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
      body: new URLSearchParams(body).toString(),
    });
  return { page, html, form, post, submit: () => post({ ...form, ...fields }) };
}

describe('Manual approvals through the engine (e2e)', () => {
  it('posts signed links; GET only shows the page; the confirmed POST approves and the pipeline succeeds', async () => {
    // Prepare
    const { id, token } = await startApproval('approve-me');
    const links = await linksFor('approve-me');
    // Act
    const flow = await confirm(links.approve, { name: 'Alice', comment: 'LGTM' });
    const stillWaiting = await approvalState(local.client, 'approve-me');
    const done = await flow.submit();
    const execution = await waitForExecution(local.client, 'approve-me', id);
    const replay = await flow.submit();
    // Assess
    const message = webhook.requests.find((r) => r.body?.pipeline === 'approve-me')!.body;
    expect(message).toMatchObject({
      stage: 'Gate',
      action: 'Review',
      customData: 'Check the <staging> dashboard',
    });
    expect(flow.page.status).toBe(200);
    expect(flow.html).toContain('Approve this change?');
    expect(stillWaiting).toMatchObject({ status: 'InProgress', token });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('<h1>Approved</h1>');
    expect(execution.status).toBe('Succeeded');
    const after = await approvalState(local.client, 'approve-me');
    expect(after?.summary).toMatch(/^Approved via signed link by Alice from [\d.:a-f]+: LGTM$/);
    expect(replay.status).toBe(409);
    expect((await fetch(links.approve)).status).toBe(409);
  });

  it('fails the stage through the reject link', async () => {
    // Prepare
    const { id } = await startApproval('reject-me');
    const links = await linksFor('reject-me');
    // Act
    const done = await (await confirm(links.reject, { comment: 'not today' })).submit();
    const execution = await waitForExecution(local.client, 'reject-me', id);
    // Assess
    expect(done.status).toBe(200);
    expect(execution.status).toBe('Failed');
    expect((await approvalState(local.client, 'reject-me'))?.status).toBe('Failed');
  });

  it('refuses forged, tampered and expired links and leaves the approval waiting', async () => {
    // Prepare
    const { token } = await startApproval('guarded');
    const links = await linksFor('guarded');
    const callbackUrl = links.approve.split('?')[0];
    const fields = {
      pipelineName: 'guarded',
      stageName: 'Gate',
      actionName: 'Review',
      token,
      expires: new Date(Date.now() + 86_400_000),
    };
    const forged = createApprovalLinks(
      { approval: fields },
      { secret: `${SECRET}-forged`, callbackUrl },
    ).approve;
    const expired = createApprovalLinks(
      { approval: fields },
      { secret: SECRET, callbackUrl, now: new Date(Date.now() - 7_200_000), ttlSeconds: 60 },
    ).approve;
    const url = new URL(links.reject);
    const [v, payload, sig] = url.searchParams.get('link')!.split('.');
    const data = JSON.parse(Buffer.from(payload, 'base64url').toString());
    data.d = 'approve';
    url.searchParams.set('link', `${v}.${Buffer.from(JSON.stringify(data)).toString('base64url')}.${sig}`);
    // Act
    const statuses = await Promise.all(
      [forged, url.toString(), expired].map(async (l) => (await fetch(l)).status),
    );
    const genuine = await confirm(links.approve);
    const evil = await fetch(new URL('?', links.approve), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: new URLSearchParams(genuine.form).toString(),
    });
    const bare = await genuine.post({ link: genuine.form.link });
    const waiting = await approvalState(local.client, 'guarded');
    const afterwards = await genuine.submit();
    // Assess
    expect(statuses).toEqual([403, 403, 410]);
    expect(evil.status).toBe(403);
    expect(bare.status).toBe(403);
    expect(waiting).toMatchObject({ status: 'InProgress', token });
    expect(afterwards.status).toBe(200);
  });

  it('answers PutApprovalResult errors as AWS does', async () => {
    // Prepare
    const { token } = await startApproval('api-errors');
    const put = (patch: Record<string, unknown>) =>
      local.client
        .send(
          new PutApprovalResultCommand({
            pipelineName: 'api-errors',
            stageName: 'Gate',
            actionName: 'Review',
            token,
            result: { status: 'Approved', summary: 'ok' },
            ...patch,
          }),
        )
        .then(
          () => 'ok',
          (e: Error) => e.name,
        );
    // Act
    const results = [
      await put({ pipelineName: 'nope' }),
      await put({ stageName: 'Nope' }),
      await put({ actionName: 'Nope' }),
      await put({ token: '00000000-0000-0000-0000-000000000000' }),
      await put({ result: { status: 'Approved', summary: 'x'.repeat(513) } }),
      await put({}),
      await put({}),
    ];
    // Assess
    expect(results).toEqual([
      'PipelineNotFoundException',
      'StageNotFoundException',
      'ActionNotFoundException',
      'InvalidApprovalTokenException',
      'ValidationException',
      'ok',
      'ApprovalAlreadyCompletedException',
    ]);
  });

  it('lets the policy function approve inside a window and reject in a freeze', async () => {
    // Act
    const open = await startApprovalWithoutTopic('policy-open');
    const freeze = await startApprovalWithoutTopic('policy-freeze');
    const openDone = await waitForExecution(local.client, 'policy-open', open);
    const freezeDone = await waitForExecution(local.client, 'policy-freeze', freeze);
    // Assess
    expect(openDone.status).toBe('Succeeded');
    expect((await approvalState(local.client, 'policy-open'))?.summary).toMatch(
      /^Approved by policy rule "always open": \w{3} \d{2}:\d{2} \(Europe\/Berlin\) is inside/,
    );
    expect(freezeDone.status).toBe('Failed');
    expect((await approvalState(local.client, 'policy-freeze'))?.summary).toMatch(
      /^Rejected by policy rule "long freeze": \d{4}-\d{2}-\d{2} \(Europe\/Berlin\) is inside the freeze/,
    );
  });

  it('approves in a real browser: open the link, click Approve, see the result page', async () => {
    // Prepare (Debian chromium, toolchain.md; CI installs it with apt)
    const executablePath = '/usr/bin/chromium';
    expect(existsSync(executablePath), 'install Debian chromium (apt-get install -y chromium)').toBe(true);
    const { id } = await startApproval('in-browser');
    const links = await linksFor('in-browser');
    const browser = await chromium.launch({
      executablePath,
      args: ['--headless', '--no-sandbox', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage();
      // Act
      await page.goto(links.approve);
      const heading = await page.locator('h1').textContent();
      await page.fill('#name', 'Browser Bob');
      await page.fill('#comment', 'clicked in chromium');
      await Promise.all([
        page.waitForURL((u) => !u.searchParams.has('link')),
        page.click('button[type=submit]'),
      ]);
      const result = await page.locator('h1').textContent();
      // Assess
      expect(heading).toBe('Approve this change?');
      expect(result).toBe('Approved');
      expect((await waitForExecution(local.client, 'in-browser', id)).status).toBe('Succeeded');
      expect((await approvalState(local.client, 'in-browser'))?.summary).toMatch(
        /^Approved via signed link by Browser Bob from .+: clicked in chromium$/,
      );
    } finally {
      await browser.close();
    }
  });

  it('keeps every approval token and the secret out of all function logs', () => {
    // Prepare
    const dir = join(local.dataDir, 'logs');
    const logs = readdirSync(dir)
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
    // Assess
    expect(logs).toContain('Approval links posted');
    expect(tokens.length).toBeGreaterThanOrEqual(5);
    const events = readFileSync(join(local.dataDir, 'events.jsonl'), 'utf8');
    expect(events).toContain('"category":"Approval"');
    for (const secret of [...tokens, SECRET, 'SECRETPATH']) {
      expect(logs).not.toContain(secret);
      expect(events).not.toContain(secret);
    }
  });
});

async function startApprovalWithoutTopic(name: string): Promise<string> {
  await createPipeline(local.client, name, [
    { name: 'Gate', actions: [{ ...approvalAction(), configuration: {} } as never] },
  ]);
  const { pipelineExecutionId } = await local.client.send(new StartPipelineExecutionCommand({ name }));
  const waiting = await eventually(async () => {
    const s = await approvalState(local.client, name);
    return s?.token ? s : s?.status && s.status !== 'InProgress' ? s : undefined;
  });
  if (waiting.token) tokens.push(waiting.token);
  return pipelineExecutionId!;
}
