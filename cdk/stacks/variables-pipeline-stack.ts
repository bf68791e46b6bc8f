import { Stack, type StackProps } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import { LambdaInvokeAction, S3SourceAction, S3Trigger } from 'aws-cdk-lib/aws-codepipeline-actions';
import type { Construct } from 'constructs';
import { acknowledgeNag } from '../nag.js';
import { HandlersStack, type InvokeHandlerName } from './handlers-stack.js';
import { PipelineBuckets } from './pipeline-buckets.js';
import { pipelineNagAcknowledgments } from './pipeline-nag.js';

/** Props of {@link VariablesPipelineStack}. */
export interface VariablesPipelineStackProps extends StackProps {
  /** Physical names of the Invoke handlers (deployed by {@link HandlersStack}). */
  readonly handlerFunctionName: (handler: InvokeHandlerName) => string;
  /** @default 'cpkit-variables' */
  readonly pipelineName?: string;
}

/** Where the variables pipeline's source action reads the source zip. */
export const VARIABLES_SOURCE_KEY = 'variables/source.zip';

/**
 * A small V2 pipeline showing output variables flowing between Invoke actions: `Inspect` (`artifact-validate`,
 * namespace `Inspect`) reports `fileCount` and `bytes`; `Render` (`artifact-transform`) receives them, and the
 * source's `VersionId`, in its configuration (`#{Inspect.fileCount}`), resolved by CodePipeline before its job starts.
 *
 * @example
 * new VariablesPipelineStack(app, 'CpkitVariablesPipeline', { env, handlerFunctionName: (h) => `cpkit-${h}` });
 */
export class VariablesPipelineStack extends Stack {
  public readonly pipeline: codepipeline.Pipeline;
  public readonly buckets: PipelineBuckets;

  constructor(scope: Construct, id: string, props: VariablesPipelineStackProps) {
    super(scope, id, props);
    this.buckets = new PipelineBuckets(this, 'Buckets');
    const source = new codepipeline.Artifact('SourceArtifact');
    const rendered = new codepipeline.Artifact('RenderedArtifact');
    const inspect = new LambdaInvokeAction({
      actionName: 'Inspect',
      runOrder: 1,
      lambda: HandlersStack.importHandler(
        this,
        'ValidateFunction',
        props.handlerFunctionName('artifact-validate'),
      ),
      inputs: [source],
      variablesNamespace: 'Inspect',
      userParameters: { required: ['templates/'] },
    });
    this.pipeline = new codepipeline.Pipeline(this, 'Pipeline', {
      pipelineName: props.pipelineName ?? 'cpkit-variables',
      pipelineType: codepipeline.PipelineType.V2,
      artifactBucket: this.buckets.artifacts,
      restartExecutionOnUpdate: false,
      stages: [
        {
          stageName: 'Source',
          actions: [
            new S3SourceAction({
              actionName: 'Source',
              bucket: this.buckets.source,
              bucketKey: VARIABLES_SOURCE_KEY,
              output: source,
              trigger: S3Trigger.NONE,
              variablesNamespace: 'SourceVariables',
            }),
          ],
        },
        {
          stageName: 'Render',
          actions: [
            inspect,
            new LambdaInvokeAction({
              actionName: 'Render',
              runOrder: 2,
              lambda: HandlersStack.importHandler(
                this,
                'TransformFunction',
                props.handlerFunctionName('artifact-transform'),
              ),
              inputs: [source],
              outputs: [rendered],
              userParameters: {
                templates: ['templates/**/*.tmpl'],
                stripSuffix: '.tmpl',
                failOnMissing: true,
                variables: {
                  FILE_COUNT: inspect.variable('fileCount'),
                  BYTES: inspect.variable('bytes'),
                  SOURCE_VERSION: '#{SourceVariables.VersionId}',
                  RELEASE_KIND: 'variables-demo',
                },
              },
            }),
          ],
        },
      ],
    });
    acknowledgeNag(
      this,
      pipelineNagAcknowledgments(this.buckets.artifacts, [
        props.handlerFunctionName('artifact-validate'),
        props.handlerFunctionName('artifact-transform'),
      ]),
    );
  }
}
