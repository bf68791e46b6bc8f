import { describe, expect, it } from 'vitest';
import { buildJobEvent, createLambdaContext } from '../../../../lambdas/testing/index.js';
import { parseJobEvent } from '../../../../lambdas/toolkit/index.js';

describe('Function: buildJobEvent', () => {
  it('builds an event that parseJobEvent accepts, with artifacts, credentials, continuation and a KMS key', () => {
    // Act
    const event = buildJobEvent({
      userParameters: { url: 'https://example.com' },
      inputArtifacts: ['SourceArtifact', { name: 'Config', revision: null }],
      outputArtifacts: ['Report'],
      continuation: { state: { attempts: 1 } },
      encryptionKey: true,
    });
    const job = parseJobEvent(event, { userParameters: 'json' });

    // Assess
    expect(job.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(job.userParameters).toEqual({ url: 'https://example.com' });
    expect(job.inputArtifacts.map((a) => [a.name, typeof a.revision])).toEqual([
      ['SourceArtifact', 'string'],
      ['Config', 'object'],
    ]);
    expect(job.outputArtifacts[0]).toMatchObject({
      name: 'Report',
      revision: null,
      location: { type: 'S3' },
    });
    expect(job.artifactCredentials?.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(job.artifactCredentials?.expirationTime).toBeGreaterThan(Date.now());
    expect(job.continuationToken).toBe('{"attempts":1}');
    expect(job.encryptionKey?.id).toMatch(/^arn:aws:kms:us-east-1:123456789012:key\//);
  });

  it('leaves out credentials and user parameters when asked', () => {
    const job = parseJobEvent(buildJobEvent({ credentials: false }));
    expect(job.artifactCredentials).toBeUndefined();
    expect(job.userParameters).toBeUndefined();
  });
});

describe('Function: createLambdaContext', () => {
  it('counts the remaining time down on the given clock', () => {
    let now = 1_000;
    const context = createLambdaContext({ timeoutMs: 5_000, now: () => now });
    expect(context.getRemainingTimeInMillis()).toBe(5_000);
    now += 4_000;
    expect(context.getRemainingTimeInMillis()).toBe(1_000);
    now += 9_000;
    expect(context.getRemainingTimeInMillis()).toBe(0);
  });
});
