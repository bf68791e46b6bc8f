import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** One acknowledged cdk-nag finding: the rule id (with `[finding]` when the rule reports several) and why. */
export interface NagAcknowledgment {
  /** e.g. `AwsSolutions-IAM5[Resource::*]` or `AwsSolutions-L1`. */
  readonly id: string;
  /** Why the finding is accepted here; required, and shown in the synthesized metadata. */
  readonly reason: string;
}

/**
 * Registers cdk-nag's AwsSolutions pack on `app` as a validation plugin (the Aspects form fails with this
 * aws-cdk-lib, see docs/toolchain.md): `synth()` then fails on every unacknowledged finding.
 *
 * @example
 * const app = new App();
 * registerAwsSolutionsChecks(app);
 */
export function registerAwsSolutionsChecks(app: App): AwsSolutionsChecks {
  const checks = new AwsSolutionsChecks(app);
  Validations.of(app).addPlugins(checks);
  return checks;
}

/**
 * Acknowledges cdk-nag findings on `scope` and everything below it, each with its written reason.
 *
 * @example
 * acknowledgeNag(bucket, [{ id: 'AwsSolutions-S1', reason: 'Sample source bucket: access logs are not needed' }]);
 */
export function acknowledgeNag(scope: IConstruct, acknowledgments: readonly NagAcknowledgment[]): void {
  for (const a of acknowledgments) {
    if (a.reason.trim().length < 10) {
      throw new Error(`acknowledgeNag at ${scope.node.path}: ${a.id} needs a written reason`);
    }
  }
  Validations.of(scope).acknowledge(...acknowledgments);
}
