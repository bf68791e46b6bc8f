import {
  CodePipelineClient,
  GetPipelineCommand,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-codepipeline';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCodePipeline, type LocalCodePipeline } from '../index.js';
import { executionSummary, watchExecution, type SummaryRow } from './pipeline-progress.js';
import { startDemoReceiver } from './receiver.js';
import { approveAsReviewer, approveLinkOf } from './reviewer.js';
import { sampleSourceZip } from './sample-source.js';
import { synthesizeCpkitApp } from './synth.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Directory of the built handler bundles (`npm run bundle`). */
  readonly bundlesDir: string;
  /** Progress lines go here. @default console.log */
  readonly log?: (line: string) => void;
  /** Longest time the release pipeline may take. @default 90000 */
  readonly timeoutMs?: number;
}

/** What the demo did. */
export interface DemoResult {
  readonly pipelineName: string;
  readonly executionId: string;
  readonly status: string;
  readonly rows: SummaryRow[];
  /** When it failed: the failing action and its message. */
  readonly failure?: string;
  readonly timings: { synthMs: number; startMs: number; runMs: number };
}

const RELEASE = 'cpkit-release';

/**
 * The `npm start` demo: synthesizes the CDK app, starts the local engine with the assembly (port 0, temp data
 * dir), uploads a sample source zip to the release pipeline's source bucket, starts `cpkit-release` and shows
 * each action's progress; the SecretScan action is worked by the worker function the assembly wires to the
 * engine's events; the approval's webhook post reaches a loopback receiver, whose approve link is followed
 * as a reviewer would (GET the page, POST its form). Returns the summary rows; never fakes a step.
 *
 * @example
 * const result = await runDemo({ bundlesDir: 'dist/lambdas' });
 * console.log(formatTable(result.rows));
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const log = options.log ?? ((l: string) => console.log(l));
  const work = mkdtempSync(join(tmpdir(), 'cpkit-demo-'));
  const receiver = await startDemoReceiver({ notReadyFor: 5 });
  let local: LocalCodePipeline | undefined;
  try {
    let t = Date.now();
    log('synth: the CDK app (cdk-nag AwsSolutions on) ...');
    const { directory: cdkOut } = synthesizeCpkitApp({
      outdir: join(work, 'cdk.out'),
      bundlesDir: options.bundlesDir,
      context: { 'cpkit:approvalWebhookUrl': receiver.webhookUrl, 'cpkit:approvalWebhookFormat': 'generic' },
    });
    const synthMs = Date.now() - t;
    log(`synth: done in ${(synthMs / 1000).toFixed(1)} s -> ${cdkOut}`);
    t = Date.now();
    local = await startLocalCodePipeline({
      port: 0,
      dataDir: join(work, 'data'),
      cdkOut,
      engine: { startOnCreate: false, lambdaRetryDelaysMs: [200, 400], jobReplyTimeoutMs: 60_000 },
    });
    const startMs = Date.now() - t;
    const report = local.cdkOut!;
    log(
      `engine: ${local.endpoint} with ${report.pipelines.length} pipelines, ${report.functions.length} functions, ` +
        `${report.customActionTypes.length} custom action type, ${report.rules.length} rules, ` +
        `${report.subscriptions.length} subscription`,
    );
    for (const w of report.warnings) log(`engine: cdk-out warning: ${w}`);
    if (!report.pipelines.includes(RELEASE)) throw new Error(`the assembly did not load ${RELEASE}`);

    const client = new CodePipelineClient({
      endpoint: local.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' },
    });
    const s3 = new S3Client({
      endpoint: local.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const pipeline = (await client.send(new GetPipelineCommand({ name: RELEASE }))).pipeline!;
    const source = pipeline.stages![0].actions![0].configuration!;
    await s3.send(
      new PutObjectCommand({
        Bucket: source.S3Bucket,
        Key: source.S3ObjectKey,
        Body: await sampleSourceZip(),
      }),
    );
    log(`source: uploaded the sample source zip to s3://${source.S3Bucket}/${source.S3ObjectKey}`);

    t = Date.now();
    const { pipelineExecutionId } = await client.send(
      new StartPipelineExecutionCommand({
        name: RELEASE,
        variables: [
          { name: 'SMOKE_URL', value: `${receiver.url}/health` },
          { name: 'READY_URL', value: `${receiver.url}/ready` },
          { name: 'WAIT_INTERVAL_SECONDS', value: '2' },
        ],
      }),
    );
    log(`run: started ${RELEASE} execution ${pipelineExecutionId}`);
    let reviewerError: Error | undefined;
    const reviewer = (async () => {
      const body = await receiver.nextWebhook(options.timeoutMs ?? 90_000);
      const link = approveLinkOf(body);
      log(
        'approval: the notify function posted signed links to the webhook; opening the approve link as a reviewer',
      );
      const result = await approveAsReviewer(link, 'demo reviewer');
      log(`approval: confirmed the form -> HTTP ${result.status} (${result.text.slice(0, 80)})`);
    })().catch((err: Error) => {
      reviewerError = err;
    });
    const status = await watchExecution({
      client,
      pipelineName: RELEASE,
      executionId: pipelineExecutionId!,
      intervalMs: 200,
      timeoutMs: options.timeoutMs ?? 90_000,
      onChange: (stage, action, s, detail) =>
        log(`  ${stage}/${action}: ${s}${detail ? ` - ${detail.split('\n')[0].slice(0, 100)}` : ''}`),
      onTick: async () => {
        if (reviewerError) throw new Error(`the reviewer could not approve: ${reviewerError.message}`);
      },
    });
    void reviewer;
    const runMs = Date.now() - t;
    const rows = await executionSummary(client, RELEASE, pipelineExecutionId!);
    const failed = rows.find((r) => r.status === 'Failed');
    const failure =
      status === 'Succeeded'
        ? undefined
        : failed
          ? `${failed.stage}/${failed.action} failed: ${failed.summary || (await failureMessage(client, failed))}`
          : `${RELEASE} ended ${status}`;
    return {
      pipelineName: RELEASE,
      executionId: pipelineExecutionId!,
      status,
      rows,
      failure,
      timings: { synthMs, startMs, runMs },
    };
  } finally {
    await local?.stop();
    await receiver.close();
    rmSync(work, { recursive: true, force: true });
  }
}

async function failureMessage(client: CodePipelineClient, row: SummaryRow): Promise<string> {
  const { GetPipelineStateCommand } = await import('@aws-sdk/client-codepipeline');
  const state = await client.send(new GetPipelineStateCommand({ name: RELEASE }));
  const action = state.stageStates
    ?.find((s) => s.stageName === row.stage)
    ?.actionStates?.find((a) => a.actionName === row.action);
  return action?.latestExecution?.errorDetails?.message ?? 'no message';
}
