import { ArnFormat, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Function as LambdaFunction, type IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { JobHandlerFunction } from '../constructs/job-handler-function.js';
import { acknowledgeNag } from '../nag.js';
import { functionNagAcknowledgments } from './pipeline-nag.js';

/** The Invoke-action handlers this stack deploys, each as `<namePrefix>-<handler>`. */
export const INVOKE_HANDLERS = ['artifact-validate', 'artifact-transform', 'http-check', 'wait-for'] as const;

/** One of {@link INVOKE_HANDLERS}. */
export type InvokeHandlerName = (typeof INVOKE_HANDLERS)[number];

/** Props of {@link HandlersStack}. */
export interface HandlersStackProps extends StackProps {
  /** Prefix of the physical function names. @default 'cpkit' */
  readonly namePrefix?: string;
  /** Directory of the built bundles. @default - dist/lambdas of the working directory */
  readonly bundlesDir?: string;
}

/** Function timeouts: wait-for is short on purpose, so it hands over with a continuation token between checks. */
const TIMEOUTS: Record<InvokeHandlerName, Duration> = {
  'artifact-validate': Duration.seconds(60),
  'artifact-transform': Duration.seconds(120),
  'http-check': Duration.seconds(30),
  'wait-for': Duration.seconds(10),
};

/**
 * Deploys codepipeline-kit's ready Invoke-action handlers as Lambda functions with explicit physical names
 * (`cpkit-artifact-validate`, ...), so pipelines in other stacks reference them by name (no cross-stack
 * exports) and `cpkit serve --cdk-out` uses the same names as AWS.
 *
 * @example
 * const handlers = new HandlersStack(app, 'CpkitHandlers', { env });
 * const fn = HandlersStack.importHandler(pipelineStack, 'Validate', handlers.functionName('artifact-validate'));
 */
export class HandlersStack extends Stack {
  /** The deployed handlers by handler name. */
  public readonly handlers: Record<InvokeHandlerName, JobHandlerFunction>;
  private readonly prefix: string;

  constructor(scope: Construct, id: string, props: HandlersStackProps = {}) {
    super(scope, id, props);
    this.prefix = props.namePrefix ?? 'cpkit';
    const handlers: Partial<Record<InvokeHandlerName, JobHandlerFunction>> = {};
    for (const handlerName of INVOKE_HANDLERS) {
      handlers[handlerName] = new JobHandlerFunction(this, handlerName, {
        handlerName,
        functionName: this.functionName(handlerName),
        bundlesDir: props.bundlesDir,
        timeout: TIMEOUTS[handlerName],
      });
    }
    this.handlers = handlers as Record<InvokeHandlerName, JobHandlerFunction>;
    acknowledgeNag(this, [
      ...functionNagAcknowledgments(),
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'codepipeline:PutJobSuccessResult/PutJobFailureResult have no resource type in IAM; * is the only resource AWS accepts.',
      },
    ]);
  }

  /** Physical name of a handler's function. */
  public functionName(handler: InvokeHandlerName): string {
    return `${this.prefix}-${handler}`;
  }

  /**
   * References a handler deployed by this stack from another stack by its physical name: no cross-stack
   * export, so the stacks deploy and update independently (deploy this one first).
   */
  public static importHandler(scope: Construct, id: string, functionName: string): IFunction {
    const stack = Stack.of(scope);
    return LambdaFunction.fromFunctionAttributes(scope, id, {
      functionArn: stack.formatArn({
        service: 'lambda',
        resource: 'function',
        resourceName: functionName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
      sameEnvironment: true,
    });
  }
}
