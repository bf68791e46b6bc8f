import { App } from 'aws-cdk-lib';
import { HandlersStack } from './stacks/handlers-stack.js';

/**
 * The codepipeline-kit CDK app (`cdk.json` runs it through scripts/cdk-app.mjs).
 * A fixed environment keeps `cdk synth` offline and deterministic; override with CDK_DEFAULT_ACCOUNT/REGION to deploy.
 */
export function createApp(app = new App()): App {
  const env = {
    account: process.env.CDK_DEPLOY_ACCOUNT ?? '000000000000',
    region: process.env.CDK_DEPLOY_REGION ?? 'us-east-1',
  };
  new HandlersStack(app, 'CpkitHandlers', { env });
  return app;
}
