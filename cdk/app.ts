import { App } from 'aws-cdk-lib';
import { join } from 'node:path';
import { registerAwsSolutionsChecks } from './nag.js';
import { HandlersStack } from './stacks/handlers-stack.js';
import { ReleasePipelineStack } from './stacks/release-pipeline-stack.js';
import { SecretScanStack } from './stacks/secret-scan-stack.js';
import { VariablesPipelineStack } from './stacks/variables-pipeline-stack.js';

/** Options of {@link createApp}; each can also come from CDK context (`-c key=value`). */
export interface CpkitAppOptions {
  /** Directory of the built handler bundles (context `cpkit:bundlesDir`). @default - dist/lambdas of the working directory */
  readonly bundlesDir?: string;
  /**
   * Incoming webhook for the approval links (context `cpkit:approvalWebhookUrl`). A Slack webhook URL is a
   * credential: pass it at deploy time, never commit it.
   * @default 'https://example.com/cpkit-approvals' (a placeholder: links are posted nowhere useful)
   */
  readonly approvalWebhookUrl?: string;
  /** `slack` or `generic` (context `cpkit:approvalWebhookFormat`). @default 'slack' */
  readonly approvalWebhookFormat?: 'slack' | 'generic';
  /** Run cdk-nag's AwsSolutions checks on synth (context `cpkit:nag`, 'false' turns them off). @default true */
  readonly nag?: boolean;
}

const ACCESS_LOGS_POLICY_FLAG = '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy';

/** Stack ids of the app, also the names of their templates (`<id>.template.json`). */
export const CPKIT_STACKS = {
  handlers: 'CpkitHandlers',
  secretScan: 'CpkitSecretScan',
  release: 'CpkitReleasePipeline',
  variables: 'CpkitVariablesPipeline',
} as const;

/**
 * The codepipeline-kit CDK app (`cdk.json` runs it through scripts/cdk-app.mjs): the Invoke handlers, the
 * SecretScan custom action type and its worker, and the two sample pipelines (`cpkit-release`, `cpkit-variables`).
 * A fixed environment keeps `cdk synth` offline and deterministic (no lookups); set CDK_DEPLOY_ACCOUNT and
 * CDK_DEPLOY_REGION to deploy for real.
 *
 * @example
 * const app = createApp(new App({ outdir: 'cdk.out' }), { approvalWebhookUrl: 'http://127.0.0.1:8080/hook' });
 * app.synth();
 */
export function createApp(app = new App(), options: CpkitAppOptions = {}): App {
  const context = (key: string): string | undefined => {
    const v: unknown = app.node.tryGetContext(key);
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  // Access-log delivery through a bucket policy instead of the deprecated LogDeliveryWrite ACL.
  if (app.node.tryGetContext(ACCESS_LOGS_POLICY_FLAG) === undefined)
    app.node.setContext(ACCESS_LOGS_POLICY_FLAG, true);
  const env = {
    account: process.env.CDK_DEPLOY_ACCOUNT ?? '000000000000',
    region: process.env.CDK_DEPLOY_REGION ?? 'us-east-1',
  };
  const bundlesDir =
    options.bundlesDir ?? context('cpkit:bundlesDir') ?? join(process.cwd(), 'dist', 'lambdas');
  const format = options.approvalWebhookFormat ?? context('cpkit:approvalWebhookFormat') ?? 'slack';
  if (format !== 'slack' && format !== 'generic') {
    throw new Error(`cpkit:approvalWebhookFormat must be slack or generic, got '${format}'`);
  }
  const handlers = new HandlersStack(app, CPKIT_STACKS.handlers, { env, bundlesDir });
  const scan = new SecretScanStack(app, CPKIT_STACKS.secretScan, { env, bundlesDir });
  const handlerFunctionName = handlers.functionName.bind(handlers);
  const release = new ReleasePipelineStack(app, CPKIT_STACKS.release, {
    env,
    bundlesDir,
    handlerFunctionName,
    secretScanType: scan.actionType,
    approvalWebhookUrl:
      options.approvalWebhookUrl ??
      context('cpkit:approvalWebhookUrl') ??
      'https://example.com/cpkit-approvals',
    approvalWebhookFormat: format,
  });
  release.addStackDependency(handlers, 'the pipeline invokes the handlers by name');
  const variables = new VariablesPipelineStack(app, CPKIT_STACKS.variables, { env, handlerFunctionName });
  variables.addStackDependency(handlers, 'the pipeline invokes the handlers by name');
  if (options.nag ?? context('cpkit:nag') !== 'false') registerAwsSolutionsChecks(app);
  return app;
}
