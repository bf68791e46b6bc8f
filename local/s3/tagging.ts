import { S3Error } from './errors.js';
import { readSmallBody, sendEmpty, sendXml } from './http-io.js';
import type { S3Call } from './s3-call.js';
import { verifySmallBody } from './small-body.js';
import { parseXml } from './xml.js';

/** S3's tag limits. @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html */
export const TAG_LIMITS = { maxTags: 10, maxKeyLength: 128, maxValueLength: 256 } as const;

/** Checks tags like S3 (`InvalidTag`): at most 10, keys up to 128 and values up to 256 characters. */
export function validateTags(tags: Record<string, string>): Record<string, string> {
  const entries = Object.entries(tags);
  if (entries.length > TAG_LIMITS.maxTags)
    throw new S3Error('BadRequest', 'Object tags cannot be greater than 10');
  for (const [key, value] of entries) {
    if (key.length === 0 || key.length > TAG_LIMITS.maxKeyLength)
      throw new S3Error('InvalidTag', 'The TagKey you have provided is invalid', { TagKey: key });
    if (value.length > TAG_LIMITS.maxValueLength)
      throw new S3Error('InvalidTag', 'The TagValue you have provided is too long, max length is 256', {
        TagKey: key,
      });
  }
  return tags;
}

/**
 * Parses `x-amz-tagging` (`k1=v1&k2=v2`, URL-encoded); undefined when the header is absent.
 *
 * @example
 * tagsFromHeader('stage=build&team=ci'); // { stage: 'build', team: 'ci' }
 */
export function tagsFromHeader(value: string | undefined): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const tags: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(value)) {
    if (k in tags)
      throw new S3Error('InvalidTag', 'Cannot provide multiple Tags with the same key', { TagKey: k });
    tags[k] = v;
  }
  return validateTags(tags);
}

/** GetObjectTagging (GET ?tagging). */
export async function getObjectTagging(call: S3Call): Promise<void> {
  call.authorize('read', call.bucket, call.key);
  const versionId = call.target.query.get('versionId') ?? undefined;
  const found = call.store.findObject(call.bucket, call.key, versionId);
  if (!found || found.isDeleteMarker) {
    if (versionId !== undefined && !found)
      throw new S3Error('NoSuchVersion', 'The specified version does not exist.', {
        Key: call.key,
        VersionId: versionId,
      });
    throw new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: call.key });
  }
  if (found.versionId !== 'null') call.res.setHeader('x-amz-version-id', found.versionId);
  sendXml(call.res, 'Tagging', {
    TagSet: { Tag: Object.entries(found.tags).map(([Key, Value]) => ({ Key, Value })) },
  });
}

/** PutObjectTagging (PUT ?tagging): replaces the whole tag set. */
export async function putObjectTagging(call: S3Call): Promise<void> {
  call.authorize('write', call.bucket, call.key);
  const body = await readSmallBody(call.req);
  verifySmallBody(call.req, body);
  const doc = parseXml(body.toString('utf8')).Tagging as {
    TagSet?: { Tag?: { Key?: string; Value?: string }[] } | '';
  };
  if (!doc || typeof doc !== 'object')
    throw new S3Error(
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema',
    );
  const tags: Record<string, string> = {};
  for (const tag of (typeof doc.TagSet === 'object' ? doc.TagSet.Tag : undefined) ?? []) {
    if (typeof tag.Key !== 'string')
      throw new S3Error(
        'MalformedXML',
        'The XML you provided was not well-formed or did not validate against our published schema',
      );
    if (tag.Key in tags)
      throw new S3Error('InvalidTag', 'Cannot provide multiple Tags with the same key', { TagKey: tag.Key });
    tags[tag.Key] = typeof tag.Value === 'string' ? tag.Value : '';
  }
  const record = call.store.setTags(
    call.bucket,
    call.key,
    call.target.query.get('versionId') ?? undefined,
    validateTags(tags),
  );
  if (record.versionId !== 'null') call.res.setHeader('x-amz-version-id', record.versionId);
  sendEmpty(call.res);
}

/** DeleteObjectTagging (DELETE ?tagging). */
export async function deleteObjectTagging(call: S3Call): Promise<void> {
  call.authorize('write', call.bucket, call.key);
  const record = call.store.setTags(
    call.bucket,
    call.key,
    call.target.query.get('versionId') ?? undefined,
    {},
  );
  if (record.versionId !== 'null') call.res.setHeader('x-amz-version-id', record.versionId);
  sendEmpty(call.res, 204);
}
