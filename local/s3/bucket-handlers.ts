import { S3Error } from './errors.js';
import { isoDate, readSmallBody, sendEmpty, sendXml } from './http-io.js';
import { OWNER, type S3Call } from './s3-call.js';
import { verifySmallBody } from './small-body.js';
import { parseXml } from './xml.js';

/** CreateBucket: optional `CreateBucketConfiguration/LocationConstraint` must name this store's region. */
export async function createBucket(call: S3Call): Promise<void> {
  call.authorize('admin', call.bucket);
  const body = await readSmallBody(call.req);
  let region = call.store.region;
  if (body.length > 0) {
    verifySmallBody(call.req, body);
    const doc = parseXml(body.toString('utf8'));
    const config = doc.CreateBucketConfiguration as { LocationConstraint?: string } | undefined;
    if (!config)
      throw new S3Error(
        'MalformedXML',
        'The XML you provided was not well-formed or did not validate against our published schema',
      );
    const constraint = config.LocationConstraint;
    if (constraint !== undefined && constraint !== '') {
      if (constraint === 'us-east-1' && region === 'us-east-1')
        throw new S3Error('InvalidLocationConstraint', 'The specified location-constraint is not valid', {
          LocationConstraint: constraint,
        });
      if (constraint !== region)
        throw new S3Error(
          'IllegalLocationConstraintException',
          `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`,
        );
      region = constraint;
    }
  }
  call.store.createBucket(call.bucket, region);
  call.res.setHeader('Location', `/${call.bucket}`);
  sendEmpty(call.res);
}

export async function headBucket(call: S3Call): Promise<void> {
  call.authorize('list', call.bucket);
  const bucket = call.store.requireBucket(call.bucket);
  call.res.setHeader('x-amz-bucket-region', bucket.region);
  sendEmpty(call.res);
}

export async function deleteBucket(call: S3Call): Promise<void> {
  call.authorize('admin', call.bucket);
  await call.store.deleteBucket(call.bucket);
  sendEmpty(call.res, 204);
}

export async function listBuckets(call: S3Call): Promise<void> {
  call.authorize('list', '');
  const buckets = call.store.listBuckets();
  sendXml(call.res, 'ListAllMyBucketsResult', {
    Owner: { ...OWNER },
    Buckets: {
      Bucket: buckets.map((b) => ({
        Name: b.name,
        CreationDate: isoDate(b.createdAt),
        BucketRegion: b.region,
      })),
    },
  });
}

export async function getBucketLocation(call: S3Call): Promise<void> {
  call.authorize('list', call.bucket);
  const { region } = call.store.requireBucket(call.bucket);
  sendXml(call.res, 'LocationConstraint', region === 'us-east-1' ? {} : { '#text': region });
}

export async function putBucketVersioning(call: S3Call): Promise<void> {
  call.authorize('admin', call.bucket);
  call.store.requireBucket(call.bucket);
  const body = await readSmallBody(call.req);
  verifySmallBody(call.req, body);
  const config = parseXml(body.toString('utf8')).VersioningConfiguration as { Status?: string } | undefined;
  const status = config?.Status;
  if (status !== 'Enabled' && status !== 'Suspended')
    throw new S3Error(
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema',
    );
  call.store.setVersioning(call.bucket, status);
  sendEmpty(call.res);
}

export async function getBucketVersioning(call: S3Call): Promise<void> {
  call.authorize('list', call.bucket);
  const { versioning } = call.store.requireBucket(call.bucket);
  sendXml(call.res, 'VersioningConfiguration', versioning ? { Status: versioning } : {});
}
