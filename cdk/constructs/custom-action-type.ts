import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import { CfnCustomActionType } from 'aws-cdk-lib/aws-codepipeline';
import { Construct } from 'constructs';

/** Type of a custom action's configuration property. */
export type CustomActionPropertyType = 'String' | 'Number' | 'Boolean';

/** One configuration property of a {@link CustomActionType}. */
export interface CustomActionTypeProperty {
  /** Property name, 1-50 characters; also the key of the action's configuration. */
  readonly name: string;
  /** Whether every action of this type must set it. */
  readonly required: boolean;
  /**
   * Whether the property is a key (identifies the action's resource).
   * @default false
   */
  readonly key?: boolean;
  /**
   * Whether the value is secret: hidden from GetPipeline and from every log of codepipeline-kit.
   * @default false
   */
  readonly secret?: boolean;
  /**
   * Whether job workers can filter PollForJobs with it (`queryParam`). At most one per type; must be required and not secret.
   * @default false
   */
  readonly queryable?: boolean;
  /** @default - none */
  readonly description?: string;
  /** @default 'String' */
  readonly type?: CustomActionPropertyType;
}

/** Props of {@link CustomActionType}. */
export interface CustomActionTypeProps {
  /** Action category. */
  readonly category: codepipeline.ActionCategory;
  /** Provider name, 1-35 characters of `[0-9A-Za-z_-]`. */
  readonly provider: string;
  /** @default '1' */
  readonly version?: string;
  /** Input and output artifact bounds (0-5 each). */
  readonly artifactBounds: codepipeline.ActionArtifactBounds;
  /**
   * Configuration properties (at most 10).
   * @default - none
   */
  readonly properties?: CustomActionTypeProperty[];
  /**
   * URL templates shown in the console. They may use `{Config:<name>}` of required, non-secret properties and
   * `{ExternalExecutionId}`.
   * @default - none
   */
  readonly settings?: {
    readonly entityUrlTemplate?: string;
    readonly executionUrlTemplate?: string;
    readonly revisionUrlTemplate?: string;
    readonly thirdPartyConfigurationUrl?: string;
  };
}

const PROVIDER = /^[0-9A-Za-z_-]{1,35}$/;
const VERSION = /^[0-9A-Za-z_-]{1,9}$/;
const MAX_PROPERTIES = 10;

/**
 * A CodePipeline custom action type (owner `Custom`), registered per account and region.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-codepipeline-customactiontype.html
 *
 * @example
 * const scan = new CustomActionType(this, 'SecretScan', {
 *   category: codepipeline.ActionCategory.TEST,
 *   provider: 'SecretScan',
 *   artifactBounds: { minInputs: 1, maxInputs: 1, minOutputs: 0, maxOutputs: 0 },
 *   properties: [{ name: 'Profile', required: true, queryable: true }],
 * });
 * stage.addAction(new CustomAction({ actionName: 'Scan', type: scan, inputs: [source], configuration: { Profile: 'strict' } }));
 */
export class CustomActionType extends Construct {
  public readonly category: codepipeline.ActionCategory;
  public readonly provider: string;
  public readonly version: string;
  public readonly artifactBounds: codepipeline.ActionArtifactBounds;
  public readonly properties: readonly CustomActionTypeProperty[];
  /** The underlying CloudFormation resource. */
  public readonly resource: CfnCustomActionType;

  constructor(scope: Construct, id: string, props: CustomActionTypeProps) {
    super(scope, id);
    const where = `CustomActionType at ${this.node.path}`;
    if (!Token.isUnresolved(props.provider) && !PROVIDER.test(props.provider)) {
      throw new Error(`${where}: provider '${props.provider}' must be 1-35 characters of [0-9A-Za-z_-]`);
    }
    const version = props.version ?? '1';
    if (!VERSION.test(version))
      throw new Error(`${where}: version '${version}' must be 1-9 characters of [0-9A-Za-z_-]`);
    const b = props.artifactBounds;
    for (const [k, v] of Object.entries(b)) {
      if (!Number.isInteger(v) || v < 0 || v > 5)
        throw new Error(`${where}: artifactBounds.${k} = ${v} must be 0-5`);
    }
    if (b.minInputs > b.maxInputs || b.minOutputs > b.maxOutputs) {
      throw new Error(`${where}: artifactBounds minimums must not exceed maximums`);
    }
    const properties = props.properties ?? [];
    validateProperties(where, properties);
    this.category = props.category;
    this.provider = props.provider;
    this.version = version;
    this.artifactBounds = b;
    this.properties = properties;
    this.resource = new CfnCustomActionType(this, 'Resource', {
      category: props.category,
      provider: props.provider,
      version,
      inputArtifactDetails: { minimumCount: b.minInputs, maximumCount: b.maxInputs },
      outputArtifactDetails: { minimumCount: b.minOutputs, maximumCount: b.maxOutputs },
      configurationProperties: properties.map((p) => ({
        name: p.name,
        required: p.required,
        key: p.key ?? false,
        secret: p.secret ?? false,
        queryable: p.queryable || undefined,
        description: p.description,
        type: p.type,
      })),
      settings: props.settings && {
        entityUrlTemplate: props.settings.entityUrlTemplate,
        executionUrlTemplate: props.settings.executionUrlTemplate,
        revisionUrlTemplate: props.settings.revisionUrlTemplate,
        thirdPartyConfigurationUrl: props.settings.thirdPartyConfigurationUrl,
      },
    });
  }

  /** ARN of the action type, the only resource PollForJobs can be scoped to. */
  public get actionTypeArn(): string {
    return Stack.of(this).formatArn({
      service: 'codepipeline',
      resource: 'actiontype',
      resourceName: `Custom/${this.category}/${this.provider}/${this.version}`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }
}

function validateProperties(where: string, properties: readonly CustomActionTypeProperty[]): void {
  if (properties.length > MAX_PROPERTIES) {
    throw new Error(`${where}: at most ${MAX_PROPERTIES} configuration properties, got ${properties.length}`);
  }
  const seen = new Set<string>();
  let queryable = 0;
  for (const p of properties) {
    if (p.name.length < 1 || p.name.length > 50)
      throw new Error(`${where}: property name '${p.name}' must be 1-50 characters`);
    if (seen.has(p.name)) throw new Error(`${where}: duplicate property '${p.name}'`);
    seen.add(p.name);
    if (p.description !== undefined && (p.description.length < 1 || p.description.length > 160)) {
      throw new Error(`${where}: description of '${p.name}' must be 1-160 characters`);
    }
    if (p.queryable) {
      queryable++;
      if (!p.required || p.secret)
        throw new Error(`${where}: queryable property '${p.name}' must be required and not secret`);
    }
  }
  if (queryable > 1) throw new Error(`${where}: at most one property can be queryable`);
}
