/**
 * How `--cdk-out` names and addresses each resource locally (the rule README.md documents):
 * - the physical name is the resource's explicit name property (`FunctionName`, `Name`, `RoleName`,
 *   `TopicName`, `BucketName`, ...), else its logical id; S3 bucket names are lowercased and cut to 63
 *   characters (S3's rules), so `BucketsSource8381AF02` becomes the local bucket `bucketssource8381af02`;
 * - `Ref` and `Fn::GetAtt` give what CloudFormation gives for that type (a name, an ARN, a URL), built from
 *   the local region, account and physical name;
 * - a Lambda Function URL is `<endpoint>/_cpkit/functions/<function name>/` on the local server.
 */

/** Stands for the server's base URL until it listens (`http://127.0.0.1:<port>`). */
export const ENDPOINT_PLACEHOLDER = '{{cpkit:endpoint}}';

/** What `Ref` and `Fn::GetAtt` give for one resource. */
export interface ResourceIdentity {
  /** Local physical name. */
  readonly name: string;
  readonly ref: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** The explicit-name property of each type that has one. */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::S3::Bucket': 'BucketName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::Policy': 'PolicyName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::CodePipeline::Pipeline': 'Name',
  'AWS::CodePipeline::Webhook': 'Name',
  'AWS::Events::Rule': 'Name',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::SSM::Parameter': 'Name',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::KMS::Alias': 'AliasName',
};

/** The local physical name of a resource (see the rule above). */
export function physicalName(type: string, logicalId: string, explicitName: string | undefined): string {
  const name = explicitName ?? logicalId;
  return type === 'AWS::S3::Bucket' && explicitName === undefined ? name.toLowerCase().slice(0, 63) : name;
}

/** Name of the explicit-name property of `type`, if it has one. */
export function nameProperty(type: string): string | undefined {
  return NAME_PROPERTY[type];
}

/**
 * `Ref`/`Fn::GetAtt` values of a resource, or undefined for types the loader cannot address.
 * `prop` resolves one of the resource's properties to a string (undefined when absent or unresolvable).
 */
export function resourceIdentity(args: {
  type: string;
  logicalId: string;
  region: string;
  accountId: string;
  prop: (name: string) => string | undefined;
}): ResourceIdentity | undefined {
  const { type, logicalId, region, accountId, prop } = args;
  const np = NAME_PROPERTY[type];
  const name = physicalName(type, logicalId, np ? prop(np) : undefined);
  const arn = (service: string, resource: string, withRegion = true, withAccount = true) =>
    `arn:aws:${service}:${withRegion ? region : ''}:${withAccount ? accountId : ''}:${resource}`;
  const id = (ref: string, attributes: Record<string, string> = {}): ResourceIdentity => ({
    name,
    ref,
    attributes,
  });
  switch (type) {
    case 'AWS::S3::Bucket':
      return id(name, {
        Arn: arn('s3', name, false, false),
        DomainName: `${name}.s3.amazonaws.com`,
        RegionalDomainName: `${name}.s3.${region}.amazonaws.com`,
        WebsiteURL: `http://${name}.s3-website-${region}.amazonaws.com`,
      });
    case 'AWS::IAM::Role': {
      const path = prop('Path') ?? '/';
      return id(name, {
        Arn: arn('iam', `role${path}${name}`, false),
        RoleId: `AROA${logicalId.toUpperCase()}`,
      });
    }
    case 'AWS::IAM::Policy':
      return id(name);
    case 'AWS::IAM::ManagedPolicy':
      return id(arn('iam', `policy/${name}`, false), { PolicyArn: arn('iam', `policy/${name}`, false) });
    case 'AWS::KMS::Key':
      return id(logicalId, { Arn: arn('kms', `key/${logicalId}`), KeyId: logicalId });
    case 'AWS::KMS::Alias':
      return id(name);
    case 'AWS::SNS::Topic':
      return id(arn('sns', name), { TopicArn: arn('sns', name), TopicName: name });
    case 'AWS::Lambda::Function':
      return id(name, { Arn: arn('lambda', `function:${name}`) });
    case 'AWS::Lambda::Url': {
      const target = prop('TargetFunctionArn');
      const fn = target?.startsWith('arn:') ? (target.split(':')[6] ?? target) : target;
      if (!fn) return undefined;
      return id(`${ENDPOINT_PLACEHOLDER}/_cpkit/functions/${fn}/`, {
        FunctionUrl: `${ENDPOINT_PLACEHOLDER}/_cpkit/functions/${fn}/`,
        FunctionArn: arn('lambda', `function:${fn}`),
      });
    }
    case 'AWS::SecretsManager::Secret':
      return id(arn('secretsmanager', `secret:${name}`), { Id: arn('secretsmanager', `secret:${name}`) });
    case 'AWS::CodePipeline::Pipeline':
      return id(name, { Version: '1' });
    case 'AWS::CodePipeline::Webhook':
      return id(name, { Url: `${ENDPOINT_PLACEHOLDER}/_cpkit/webhooks/${name}` });
    case 'AWS::Events::Rule':
      return id(name, { Arn: arn('events', `rule/${name}`) });
    case 'AWS::Logs::LogGroup':
      return id(name, { Arn: arn('logs', `log-group:${name}:*`) });
    case 'AWS::SSM::Parameter':
      return id(name, { Type: prop('Type') ?? 'String', Value: prop('Value') ?? '' });
    case 'AWS::SQS::Queue':
      return id(`https://sqs.${region}.amazonaws.com/${accountId}/${name}`, {
        Arn: arn('sqs', name),
        QueueName: name,
      });
    default:
      return undefined;
  }
}
