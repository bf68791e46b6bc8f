import type { Tag } from '@aws-sdk/client-codepipeline';
import { ServiceError } from '../errors.js';

/** Tags per resource (CodePipeline quotas). */
export const MAX_TAGS_PER_RESOURCE = 50;

/**
 * Checks tags about to be added to a resource that already has `existingKeys`: no `aws:` prefix
 * (InvalidTagsException), no key twice in one request (InvalidTagsException), at most 50 distinct
 * keys afterwards (TooManyTagsException).
 * @example
 * checkNewTags(arn, [{ key: 'team', value: 'ci' }], []);
 */
export function checkNewTags(
  arn: string,
  tags: readonly Tag[] | undefined,
  existingKeys: readonly string[],
): void {
  if (!tags?.length) return;
  const seen = new Set<string>();
  for (const t of tags) {
    if (t.key!.toLowerCase().startsWith('aws:'))
      throw new ServiceError(
        'InvalidTagsException',
        "Not allowed to modify system tags. System tags start with 'aws:'. msg=[Caller is an end user and not allowed to mutate system tags]",
      );
    if (seen.has(t.key!))
      throw new ServiceError('InvalidTagsException', `Duplicate tag key '${t.key}' in the request`);
    seen.add(t.key!);
  }
  const total = new Set([...existingKeys, ...seen]).size;
  if (total > MAX_TAGS_PER_RESOURCE)
    throw new ServiceError('TooManyTagsException', `Tag limit exceeded for resource [${arn}].`);
}

/** UntagResource: system keys cannot be removed either. */
export function checkRemovedTagKeys(keys: readonly string[]): void {
  if (keys.some((k) => k.toLowerCase().startsWith('aws:')))
    throw new ServiceError(
      'InvalidTagsException',
      "Not allowed to modify system tags. System tags start with 'aws:'. msg=[Caller is an end user and not allowed to mutate system tags]",
    );
}
