import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import * as zm from 'zod/mini';
import { JobEventError, parseJobEvent, UserParametersError } from '../../../../lambdas/toolkit/index.js';

const fixture = (name: string): any =>
  JSON.parse(
    readFileSync(
      join(import.meta.dirname, '../../../fixtures/events/codepipeline-job', `${name}.json`),
      'utf8',
    ),
  );

describe('Function: parseJobEvent', () => {
  it('reads a job with artifacts, credentials (with expirationTime) and raw user parameters', () => {
    // Prepare
    const event = fixture('invoke-with-artifacts');

    // Act
    const job = parseJobEvent(event);

    // Assess
    expect(job.id).toBe('0b6f3c2e-1a2b-4c3d-8e4f-5a6b7c8d9e0f');
    expect(job.accountId).toBe('123456789012');
    expect(job.functionName).toBe('cpkit-http-check');
    expect(job.userParameters).toBe(
      event['CodePipeline.job'].data.actionConfiguration.configuration.UserParameters,
    );
    expect(job.inputArtifacts[0]).toEqual({
      name: 'SourceArtifact',
      revision: '3f9a1c2b7d8e4f5061728394a5b6c7d8e9f0a1b2',
      location: {
        type: 'S3',
        s3Location: {
          bucketName: 'codepipeline-us-east-1-123456789012',
          objectKey: 'web-pipeline/SourceArti/Kq3Zt9x',
        },
      },
    });
    expect(job.outputArtifacts[0].revision).toBeNull();
    expect(job.artifactCredentials?.expirationTime).toBe(1767229200000);
    expect(job.continuationToken).toBeUndefined();
    expect(job.encryptionKey).toBeUndefined();
  });

  it('accepts credentials without expirationTime and an action without UserParameters', () => {
    // Act
    const job = parseJobEvent(fixture('no-user-parameters'));

    // Assess
    expect(job.userParameters).toBeUndefined();
    expect(job.artifactCredentials?.expirationTime).toBeUndefined();
    expect(job.inputArtifacts[0].revision).toBeNull();
  });

  it('reads the continuation token and the KMS encryption key', () => {
    expect(parseJobEvent(fixture('continuation')).continuationToken).toBe(
      '{"attempts":3,"startedAt":1767225600000}',
    );
    expect(parseJobEvent(fixture('kms-encrypted')).encryptionKey).toEqual({
      id: 'arn:aws:kms:eu-west-1:210987654321:key/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
      type: 'KMS',
    });
  });

  it('types user parameters through a zod schema, with defaults applied', () => {
    // Prepare
    const schema = z.object({ url: z.url(), expectStatus: z.number().default(200), retries: z.number() });

    // Act
    const job = parseJobEvent(fixture('invoke-with-artifacts'), { userParameters: schema });

    // Assess
    expect(job.userParameters).toEqual({
      url: 'https://staging.example.com/health',
      expectStatus: 200,
      retries: 2,
    });
  });

  it('names each bad parameter path in a UserParametersError (ConfigurationError), for zod and zod/mini', () => {
    // Prepare
    const event = fixture('invoke-with-artifacts');
    event['CodePipeline.job'].data.actionConfiguration.configuration.UserParameters = JSON.stringify({
      url: 'not a url',
      timeoutMs: '5000',
      nested: { items: [1, 'x'] },
    });
    const classic = z.object({
      url: z.url(),
      timeoutMs: z.number(),
      nested: z.object({ items: z.array(z.number()) }),
    });
    const mini = zm.object({
      url: zm.url(),
      timeoutMs: zm.number(),
      nested: zm.object({ items: zm.array(zm.number()) }),
    });

    for (const schema of [classic, mini]) {
      // Act
      let error: unknown;
      try {
        parseJobEvent(event, { userParameters: schema });
      } catch (err) {
        error = err;
      }

      // Assess
      expect(error).toBeInstanceOf(UserParametersError);
      const e = error as UserParametersError;
      expect(e.failureType).toBe('ConfigurationError');
      expect(e.message).toContain('UserParameters.url: must be a valid url');
      expect(e.message).toContain('UserParameters.timeoutMs: expected number, received string');
      expect(e.message).toContain('UserParameters.nested.items[1]: expected number, received string');
      expect(e.job.id).toBe('0b6f3c2e-1a2b-4c3d-8e4f-5a6b7c8d9e0f');
    }
  });

  it('says when UserParameters is missing but required, and when it is not JSON (without echoing it)', () => {
    // Prepare
    const schema = z.object({ url: z.string() });
    const notJson = fixture('invoke-with-artifacts');
    notJson['CodePipeline.job'].data.actionConfiguration.configuration.UserParameters = 'password=hunter22';

    // Act & Assess
    expect(() => parseJobEvent(fixture('no-user-parameters'), { userParameters: schema })).toThrow(
      /UserParameters is missing from the action configuration; invalid UserParameters: UserParameters.url: required/,
    );
    expect(() => parseJobEvent(notJson, { userParameters: schema })).toThrow(
      /UserParameters is not valid JSON/,
    );
    expect(() => parseJobEvent(notJson, { userParameters: schema })).not.toThrow(/hunter22/);
  });

  it('decodes JSON without a schema when asked', () => {
    expect(parseJobEvent(fixture('continuation'), { userParameters: 'json' }).userParameters).toEqual({
      url: 'https://staging.example.com/ready',
      expectStatus: 200,
      intervalSeconds: 30,
      maxMinutes: 60,
    });
  });

  it('refuses an event that is not a CodePipeline job, saying what is missing', () => {
    expect(() => parseJobEvent(fixture('not-a-job-s3-event'))).toThrow(JobEventError);
    expect(() => parseJobEvent(fixture('not-a-job-s3-event'))).toThrow(
      /missing "CodePipeline.job" \(event keys: Records\)/,
    );
    expect(() => parseJobEvent(null)).toThrow(/received null/);
    expect(() => parseJobEvent('{"CodePipeline.job":{}}')).toThrow(/received string/);
  });

  it('names the missing or malformed member of a broken job', () => {
    // Prepare
    const noId = fixture('invoke-with-artifacts');
    delete noId['CodePipeline.job'].id;
    const badArtifact = fixture('invoke-with-artifacts');
    delete badArtifact['CodePipeline.job'].data.inputArtifacts[0].location.s3Location.bucketName;
    const badKey = fixture('kms-encrypted');
    badKey['CodePipeline.job'].data.encryptionKey.type = 'AES';

    // Act & Assess
    expect(() => parseJobEvent(noId)).toThrow(/CodePipeline\.job\.id: required/);
    expect(() => parseJobEvent(badArtifact)).toThrow(
      /CodePipeline\.job\.data\.inputArtifacts\[0\]\.location\.s3Location\.bucketName: required/,
    );
    expect(() => parseJobEvent(badKey)).toThrow(/CodePipeline\.job\.data\.encryptionKey\.type/);
  });
});

describe('Function: parseJobEvent (property)', () => {
  /** Every path of a JSON value, as key lists. */
  const paths = (value: unknown, prefix: (string | number)[] = []): (string | number)[][] =>
    value !== null && typeof value === 'object'
      ? Object.entries(value).flatMap(([k, v]) => {
          const p = [...prefix, Array.isArray(value) ? Number(k) : k];
          return [p, ...paths(v, p)];
        })
      : [];

  it('answers any input with a job or a JobEventError, never another exception', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (junk, inner) => {
        for (const input of [junk, { 'CodePipeline.job': inner }]) {
          try {
            parseJobEvent(input);
          } catch (err) {
            if (!(err instanceof JobEventError)) return false;
          }
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('names the broken member when one member of a valid job is removed or replaced', () => {
    const base = fixture('kms-encrypted');
    const all = paths(base);
    fc.assert(
      fc.property(
        fc.constantFrom(...all),
        fc.oneof(fc.constant(undefined), fc.integer(), fc.constant([]), fc.constant(null)),
        (path, replacement) => {
          const event = structuredClone(base);
          let holder: any = event;
          for (const seg of path.slice(0, -1)) holder = holder[seg];
          const last = path[path.length - 1];
          if (replacement === undefined) delete holder[last];
          else holder[last] = replacement;
          try {
            parseJobEvent(event);
            return true; // optional members may go
          } catch (err) {
            if (!(err instanceof JobEventError)) return false;
            // The message names a path inside the broken member's parent.
            const named = path.slice(0, -1).filter((s) => typeof s === 'string' && s !== 'CodePipeline.job');
            return named.every((s) => err.message.includes(String(s)));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
