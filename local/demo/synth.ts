import { App } from 'aws-cdk-lib';
import { createApp } from '../../cdk/app.js';

/**
 * Synthesizes the codepipeline-kit CDK app in-process into `outdir` (what `npx cdk synth` does, without the
 * CLI's start-up): cdk-nag runs as on every synth; CDK's built-in template validation is left to cfn-lint in
 * the test suite. `context` adds CDK context (e.g. `cpkit:approvalWebhookUrl`).
 *
 * @example
 * synthesizeCpkitApp({ outdir: '/tmp/cdk.out', bundlesDir: 'dist/lambdas' });
 */
export function synthesizeCpkitApp(options: {
  outdir: string;
  bundlesDir: string;
  context?: Record<string, string>;
}): { directory: string; app: App } {
  const app = new App({
    outdir: options.outdir,
    context: options.context,
    builtinCloudFormationValidation: false,
  });
  createApp(app, { bundlesDir: options.bundlesDir });
  return { directory: app.synth().directory, app };
}
