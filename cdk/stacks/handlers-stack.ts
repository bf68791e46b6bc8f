import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { JobHandlerFunction } from '../constructs/job-handler-function.js';

/** Props of {@link HandlersStack}. */
export interface HandlersStackProps extends StackProps {
  /** Prefix of the physical function names. @default 'cpkit' */
  readonly namePrefix?: string;
  /** Directory of the built bundles. @default - dist/lambdas of the working directory */
  readonly bundlesDir?: string;
}

/** Deploys codepipeline-kit's ready handlers as Lambda functions with explicit physical names. */
export class HandlersStack extends Stack {
  /** The deployed handlers by handler name. */
  public readonly handlers: Record<string, JobHandlerFunction> = {};

  constructor(scope: Construct, id: string, props: HandlersStackProps = {}) {
    super(scope, id, props);
    const prefix = props.namePrefix ?? 'cpkit';
    for (const handlerName of ['http-check', 'wait-for']) {
      this.handlers[handlerName] = new JobHandlerFunction(this, handlerName, {
        handlerName,
        functionName: `${prefix}-${handlerName}`,
        bundlesDir: props.bundlesDir,
      });
    }
  }
}
