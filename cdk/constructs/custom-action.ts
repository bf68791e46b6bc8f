import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import type { Construct } from 'constructs';
import type { CustomActionType } from './custom-action-type.js';

/** Props of {@link CustomAction}. */
export interface CustomActionProps {
  readonly actionName: string;
  /** The custom action type this action runs. */
  readonly type: CustomActionType;
  /**
   * Configuration, keyed by the type's property names. Required properties must be present; unknown keys are rejected.
   * @default - none
   */
  readonly configuration?: Record<string, string | number | boolean>;
  /** @default - none */
  readonly inputs?: codepipeline.Artifact[];
  /** @default - none */
  readonly outputs?: codepipeline.Artifact[];
  /** @default 1 */
  readonly runOrder?: number;
  /** @default - a namespace is generated when a variable is referenced */
  readonly variablesNamespace?: string;
}

/**
 * An action of a {@link CustomActionType}, added to a `codepipeline.Pipeline` stage like the built-in actions.
 * Its job worker gets the artifacts through the job's credentials, so the action role may read the inputs and
 * write the outputs in the artifact bucket.
 *
 * @example
 * stage.addAction(new CustomAction({ actionName: 'Scan', type: scanType, inputs: [source], configuration: { Profile: 'strict' } }));
 */
export class CustomAction extends codepipeline.Action {
  protected readonly providedActionProperties: codepipeline.ActionProperties;
  private readonly props: CustomActionProps;

  constructor(props: CustomActionProps) {
    super();
    const where = `CustomAction '${props.actionName}' of type ${props.type.provider}`;
    const configuration = props.configuration ?? {};
    for (const p of props.type.properties) {
      if (p.required && !(p.name in configuration))
        throw new Error(`${where}: missing required configuration '${p.name}'`);
    }
    const known = new Set(props.type.properties.map((p) => p.name));
    for (const key of Object.keys(configuration)) {
      if (!known.has(key))
        throw new Error(
          `${where}: unknown configuration '${key}' (known: ${[...known].join(', ') || 'none'})`,
        );
    }
    this.props = props;
    this.providedActionProperties = {
      actionName: props.actionName,
      category: props.type.category,
      owner: 'Custom',
      provider: props.type.provider,
      version: props.type.version,
      artifactBounds: props.type.artifactBounds,
      inputs: props.inputs,
      outputs: props.outputs,
      runOrder: props.runOrder,
      variablesNamespace: props.variablesNamespace,
    };
  }

  /** A reference to an output variable the worker reports (`#{Namespace.name}`). */
  public variable(name: string): string {
    return this.variableExpression(name);
  }

  protected bound(
    _scope: Construct,
    stage: codepipeline.IStage,
    options: codepipeline.ActionBindOptions,
  ): codepipeline.ActionConfig {
    // The pipeline can only be created once the action type exists.
    stage.pipeline.node.addDependency(this.props.type);
    if ((this.props.inputs ?? []).length > 0) options.bucket.grantRead(options.role);
    if ((this.props.outputs ?? []).length > 0) options.bucket.grantWrite(options.role);
    const configuration = Object.fromEntries(
      Object.entries(this.props.configuration ?? {}).map(([k, v]) => [k, String(v)]),
    );
    return { configuration };
  }
}
