import { Stack, type StackProps } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import { LambdaInvokeAction, S3SourceAction, S3Trigger } from 'aws-cdk-lib/aws-codepipeline-actions';
import type { Construct } from 'constructs';
import { ApprovalGate } from '../constructs/approval-gate.js';
import { CustomAction } from '../constructs/custom-action.js';
import type { CustomActionType } from '../constructs/custom-action-type.js';
import { acknowledgeNag } from '../nag.js';
import { HandlersStack, type InvokeHandlerName } from './handlers-stack.js';
import { PipelineBuckets } from './pipeline-buckets.js';
import { pipelineNagAcknowledgments } from './pipeline-nag.js';

/** Props of {@link ReleasePipelineStack}. */
export interface ReleasePipelineStackProps extends StackProps {
  /** Physical names of the Invoke handlers (deployed by {@link HandlersStack}). */
  readonly handlerFunctionName: (handler: InvokeHandlerName) => string;
  /** The `SecretScan` custom action type. */
  readonly secretScanType: CustomActionType;
  /** Incoming webhook the approval links are posted to. */
  readonly approvalWebhookUrl: string;
  /** @default 'slack' */
  readonly approvalWebhookFormat?: 'slack' | 'generic';
  /** @default 'cpkit-release' */
  readonly pipelineName?: string;
  /** Directory of the built bundles. @default - dist/lambdas of the working directory */
  readonly bundlesDir?: string;
}

/** Where the release pipeline's source action reads the source zip. */
export const RELEASE_SOURCE_KEY = 'release/source.zip';

/**
 * The sample release pipeline (V2): S3 source (versioned bucket) -> Validate (`artifact-validate`) ->
 * Scan (`SecretScan` custom action) -> Build (`artifact-transform` rendering the deployable artifact) ->
 * Approve (`ApprovalGate`: signed links to a webhook, policy function) -> Verify (`http-check`, then `wait-for`).
 * Pipeline variables: `SMOKE_URL`, `READY_URL`, `WAIT_INTERVAL_SECONDS`, `RELEASE_KIND` (`hotfix` is approved
 * by the policy; anything else waits for a reviewer).
 *
 * @example
 * new ReleasePipelineStack(app, 'CpkitReleasePipeline', { env, handlerFunctionName: (h) => `cpkit-${h}`,
 *   secretScanType: scan.actionType, approvalWebhookUrl: 'https://hooks.slack.com/services/...' });
 */
export class ReleasePipelineStack extends Stack {
  public readonly pipeline: codepipeline.Pipeline;
  public readonly buckets: PipelineBuckets;
  public readonly approvalGate: ApprovalGate;

  constructor(scope: Construct, id: string, props: ReleasePipelineStackProps) {
    super(scope, id, props);
    const pipelineName = props.pipelineName ?? 'cpkit-release';
    const fn = (cid: string, handler: InvokeHandlerName) =>
      HandlersStack.importHandler(this, cid, props.handlerFunctionName(handler));
    this.buckets = new PipelineBuckets(this, 'Buckets');
    const source = new codepipeline.Artifact('SourceArtifact');
    const deployable = new codepipeline.Artifact('DeployArtifact');

    this.pipeline = new codepipeline.Pipeline(this, 'Pipeline', {
      pipelineName,
      pipelineType: codepipeline.PipelineType.V2,
      executionMode: codepipeline.ExecutionMode.QUEUED,
      artifactBucket: this.buckets.artifacts,
      restartExecutionOnUpdate: false,
      variables: [
        new codepipeline.Variable({
          variableName: 'SMOKE_URL',
          defaultValue: 'https://example.com/',
          description: 'URL the Verify stage smoke-tests',
        }),
        new codepipeline.Variable({
          variableName: 'READY_URL',
          defaultValue: 'https://example.com/',
          description: 'URL the Verify stage waits for',
        }),
        new codepipeline.Variable({
          variableName: 'WAIT_INTERVAL_SECONDS',
          defaultValue: '30',
          description: 'Seconds between the readiness checks',
        }),
        new codepipeline.Variable({
          variableName: 'RELEASE_KIND',
          defaultValue: 'standard',
          description: 'hotfix releases are approved by policy',
        }),
      ],
    });
    this.pipeline.addStage({
      stageName: 'Source',
      actions: [
        new S3SourceAction({
          actionName: 'Source',
          bucket: this.buckets.source,
          bucketKey: RELEASE_SOURCE_KEY,
          output: source,
          trigger: S3Trigger.NONE,
          variablesNamespace: 'SourceVariables',
        }),
      ],
    });
    this.pipeline.addStage({
      stageName: 'Validate',
      actions: [
        new LambdaInvokeAction({
          actionName: 'Validate',
          lambda: fn('ValidateFunction', 'artifact-validate'),
          inputs: [source],
          variablesNamespace: 'Validate',
          userParameters: {
            required: ['config/app.json', 'templates/'],
            schemas: { 'config/app.json': 'schemas/app.schema.json' },
            maxBytes: 10 * 1024 * 1024,
          },
        }),
      ],
    });
    this.pipeline.addStage({
      stageName: 'Scan',
      actions: [
        new CustomAction({
          actionName: 'SecretScan',
          type: props.secretScanType,
          inputs: [source],
          configuration: { EntropyThreshold: 4.5 },
        }),
      ],
    });
    this.pipeline.addStage({
      stageName: 'Build',
      actions: [
        new LambdaInvokeAction({
          actionName: 'Render',
          lambda: fn('TransformFunction', 'artifact-transform'),
          inputs: [source],
          outputs: [deployable],
          variablesNamespace: 'Build',
          userParameters: {
            templates: ['templates/**/*.tmpl'],
            stripSuffix: '.tmpl',
            failOnMissing: true,
            variables: {
              SOURCE_VERSION: '#{SourceVariables.VersionId}',
              FILE_COUNT: '#{Validate.fileCount}',
              RELEASE_KIND: '#{variables.RELEASE_KIND}',
            },
          },
        }),
      ],
    });
    const approve = this.pipeline.addStage({ stageName: 'Approve' });
    this.approvalGate = new ApprovalGate(this, 'ApprovalGate', {
      stage: approve,
      actionName: 'Review',
      webhookUrl: props.approvalWebhookUrl,
      webhookFormat: props.approvalWebhookFormat ?? 'slack',
      additionalInformation:
        'Release #{codepipeline.PipelineExecutionId}: check the rendered artifact first.',
      functionNamePrefix: pipelineName,
      bundlesDir: props.bundlesDir,
      policy: {
        document: {
          timeZone: 'UTC',
          rules: [{ name: 'hotfix', type: 'variable', variable: 'RELEASE_KIND', equals: 'hotfix' }],
        },
      },
    });
    this.pipeline.addStage({
      stageName: 'Verify',
      actions: [
        new LambdaInvokeAction({
          actionName: 'Smoke',
          runOrder: 1,
          lambda: fn('HttpCheckFunction', 'http-check'),
          variablesNamespace: 'Smoke',
          userParameters: { url: '#{variables.SMOKE_URL}', retries: 2 },
        }),
        new LambdaInvokeAction({
          actionName: 'WaitReady',
          runOrder: 2,
          lambda: fn('WaitForFunction', 'wait-for'),
          // A string, so that the interval (a number) can come from a pipeline variable.
          userParametersString:
            '{"url":"#{variables.READY_URL}","intervalSeconds":#{variables.WAIT_INTERVAL_SECONDS},"maxMinutes":30}',
        }),
      ],
    });
    acknowledgeNag(
      this,
      pipelineNagAcknowledgments(this.buckets.artifacts, [
        props.handlerFunctionName('artifact-validate'),
        props.handlerFunctionName('artifact-transform'),
        props.handlerFunctionName('http-check'),
        props.handlerFunctionName('wait-for'),
      ]),
    );
    acknowledgeNag(this.approvalGate, [
      {
        id: 'AwsSolutions-SMG4',
        reason:
          'The HMAC key of the approval links: rotating it would invalidate links already sent; replace it by redeploying.',
      },
    ]);
  }
}
