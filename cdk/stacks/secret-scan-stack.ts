import { Stack, type StackProps } from 'aws-cdk-lib';
import { ActionCategory } from 'aws-cdk-lib/aws-codepipeline';
import type { Construct } from 'constructs';
import { CustomActionType } from '../constructs/custom-action-type.js';
import { JobWorkerFunction } from '../constructs/job-worker-function.js';
import { acknowledgeNag } from '../nag.js';
import { functionNagAcknowledgments } from './pipeline-nag.js';

/** Props of {@link SecretScanStack}. */
export interface SecretScanStackProps extends StackProps {
  /** Physical name of the worker function. @default 'cpkit-secret-scan' */
  readonly functionName?: string;
  /** Directory of the built bundles. @default - dist/lambdas of the working directory */
  readonly bundlesDir?: string;
}

/**
 * The `SecretScan` custom action type (owner Custom, category Test) and its event-driven job worker
 * (the `secret-scan` bundle, woken by EventBridge when an action of the type starts).
 *
 * @example
 * const scan = new SecretScanStack(app, 'CpkitSecretScan', { env });
 * stage.addAction(new CustomAction({ actionName: 'SecretScan', type: scan.actionType, inputs: [source] }));
 */
export class SecretScanStack extends Stack {
  /** The custom action type (account-wide, per region). */
  public readonly actionType: CustomActionType;
  /** The worker. */
  public readonly worker: JobWorkerFunction;

  constructor(scope: Construct, id: string, props: SecretScanStackProps = {}) {
    super(scope, id, props);
    this.actionType = new CustomActionType(this, 'SecretScanType', {
      category: ActionCategory.TEST,
      provider: 'SecretScan',
      version: '1',
      artifactBounds: { minInputs: 1, maxInputs: 5, minOutputs: 0, maxOutputs: 0 },
      properties: [
        {
          name: 'EntropyThreshold',
          required: false,
          type: 'Number',
          description: 'Bits per character from which a base64-like token counts as a secret (default 4.5)',
        },
      ],
    });
    this.worker = new JobWorkerFunction(this, 'SecretScanWorker', {
      actionType: this.actionType,
      handlerName: 'secret-scan',
      functionName: props.functionName ?? 'cpkit-secret-scan',
      bundlesDir: props.bundlesDir,
    });
    acknowledgeNag(this, [
      ...functionNagAcknowledgments(),
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'AcknowledgeJob, GetJobDetails and PutJob*Result have no resource type in IAM (PollForJobs is scoped to the action type ARN).',
      },
    ]);
  }
}
