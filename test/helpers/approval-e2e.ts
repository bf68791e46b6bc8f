import { GetPipelineStateCommand, type CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalFunction } from '../../local/functions-file.js';
import { repoRoot } from './local-server.js';

/** The three approval handlers bundled fresh from source into a temp dir (what `npm run build` ships). */
export async function bundleApprovalHandlers(): Promise<{ dir: string; bundle: (name: string) => string }> {
  const { bundleHandler } = (await import(join(repoRoot, 'scripts', 'build.mjs'))) as {
    bundleHandler: (entry: string, outfile: string) => Promise<unknown>;
  };
  const dir = mkdtempSync(join(tmpdir(), 'cpkit-approval-bundles-'));
  const names = ['approval-notify', 'approval-callback', 'approval-policy'];
  await Promise.all(
    names.map((n) =>
      bundleHandler(join(repoRoot, 'lambdas', 'handlers', n, 'index.ts'), join(dir, n, 'index.mjs')),
    ),
  );
  return { dir, bundle: (name) => join(dir, name, 'index.mjs') };
}

/** A function definition for the local runtime. */
export function localFunction(
  name: string,
  bundle: string,
  environment: Record<string, string>,
): LocalFunction {
  return { name, bundle, handler: 'handler', timeoutSeconds: 15, memoryMB: 128, environment };
}

/** The approval action's latest execution in GetPipelineState. */
export async function approvalState(
  client: CodePipelineClient,
  pipeline: string,
  stage = 'Gate',
  action = 'Review',
) {
  const state = await client.send(new GetPipelineStateCommand({ name: pipeline }));
  return state.stageStates
    ?.find((s) => s.stageName === stage)
    ?.actionStates?.find((a) => a.actionName === action)?.latestExecution;
}

/** Polls `fn` until it returns a value (or throws after `timeoutMs`). */
export async function eventually<T>(
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The hidden fields of the confirmation page's form. */
export function confirmationForm(html: string): { link: string; confirm: string } {
  const field = (name: string) =>
    (new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  return { link: field('link'), confirm: field('confirm') };
}
