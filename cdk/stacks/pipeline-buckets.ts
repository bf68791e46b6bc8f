import { RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeNag } from '../nag.js';

/**
 * The buckets of a sample pipeline: a versioned source bucket (the S3 source action needs versioning), the
 * artifact bucket, and the access-log bucket both log to. All private, SSL-only, S3-managed encryption.
 * No explicit bucket names: on AWS CloudFormation generates them; `cpkit serve --cdk-out` names each local
 * bucket after its logical id, lowercased (see local/cdk-out/physical-names.ts).
 *
 * @example
 * const buckets = new PipelineBuckets(this, 'Buckets');
 * new S3SourceAction({ actionName: 'Source', bucket: buckets.source, bucketKey: 'source.zip', output });
 */
export class PipelineBuckets extends Construct {
  /** Versioned bucket the source zip is uploaded to. */
  public readonly source: Bucket;
  /** The pipeline's artifact store. */
  public readonly artifacts: Bucket;
  /** Server access logs of the two buckets above. */
  public readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const common = {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
    };
    // No ACLs: S3 log delivery is granted by the bucket policy CDK writes (createApp sets the feature flag
    // @aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy).
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      ...common,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    });
    acknowledgeNag(this.accessLogs, [
      {
        id: 'AwsSolutions-S1',
        reason: 'This is the access-log bucket itself; logging it into itself would loop.',
      },
    ]);
    this.source = new Bucket(this, 'Source', {
      ...common,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'source/',
    });
    this.artifacts = new Bucket(this, 'Artifacts', {
      ...common,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'artifacts/',
    });
  }
}
