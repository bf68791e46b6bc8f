import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { checkJobEnvelope } from '../../../../lambdas/toolkit/job-envelope.js';
import { describeZodIssues } from '../../../../lambdas/toolkit/zod-issues.js';

/** The zod schema the envelope check replaced: the reference its results and messages must match. */
const artifactSchema = z.looseObject({
  name: z.string(),
  revision: z._default(z.nullable(z.string()), null),
  location: z.looseObject({
    type: z.literal('S3'),
    s3Location: z.looseObject({ bucketName: z.string(), objectKey: z.string() }),
  }),
});
const referenceSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  accountId: z.string(),
  data: z.looseObject({
    actionConfiguration: z.looseObject({
      configuration: z._default(z.record(z.string(), z.string()), {}),
    }),
    inputArtifacts: z._default(z.array(artifactSchema), []),
    outputArtifacts: z._default(z.array(artifactSchema), []),
    artifactCredentials: z.optional(
      z.looseObject({
        accessKeyId: z.string(),
        secretAccessKey: z.string(),
        sessionToken: z.string(),
        expirationTime: z.optional(z.number()),
      }),
    ),
    continuationToken: z.optional(z.string()),
    encryptionKey: z.optional(z.looseObject({ id: z.string(), type: z.literal('KMS') })),
    pipelineContext: z.optional(
      z.looseObject({
        pipelineName: z.optional(z.string()),
        stage: z.optional(z.looseObject({ name: z.optional(z.string()) })),
        action: z.optional(
          z.looseObject({ name: z.optional(z.string()), actionExecutionId: z.optional(z.string()) }),
        ),
        pipelineArn: z.optional(z.string()),
        pipelineExecutionId: z.optional(z.string()),
      }),
    ),
  }),
});

const fixture = (name: string): any =>
  JSON.parse(
    readFileSync(
      join(import.meta.dirname, '../../../fixtures/events/codepipeline-job', `${name}.json`),
      'utf8',
    ),
  )['CodePipeline.job'];

const FIXTURES = ['invoke-with-artifacts', 'no-user-parameters', 'continuation', 'kms-encrypted'];

/** Both checks of one input, in comparable form. */
function outcomes(raw: unknown) {
  const ours = checkJobEnvelope(raw);
  const ref = referenceSchema.safeParse(raw);
  // zod still runs a string's length check on a value of the wrong type that has a length (an array for
  // `id`: "item count must be >= 1"); the envelope check stops at the type, so that one issue is dropped.
  const typeFailed = (path: PropertyKey[]) =>
    ref.error?.issues.some((i) => i.code === 'invalid_type' && String(i.path) === String(path));
  const refIssues = ref.error?.issues.filter((i) => i.code === 'invalid_type' || !typeFailed(i.path)) ?? [];
  return {
    ours: ours.success
      ? { data: ours.data }
      : { message: describeZodIssues(ours.issues, raw, 'CodePipeline.job') },
    reference: ref.success
      ? { data: ref.data }
      : { message: describeZodIssues(refIssues, raw, 'CodePipeline.job') },
  };
}

/** Every path of a JSON value, as key lists. */
const paths = (value: unknown, prefix: (string | number)[] = []): (string | number)[][] =>
  value !== null && typeof value === 'object'
    ? Object.entries(value).flatMap(([k, v]) => {
        const p = [...prefix, Array.isArray(value) ? Number(k) : k];
        return [p, ...paths(v, p)];
      })
    : [];

describe('Function: checkJobEnvelope', () => {
  it('reads every job fixture as the zod schema did: defaults filled in, unknown members kept', () => {
    for (const name of FIXTURES) {
      // Prepare
      const raw = { ...fixture(name), extra: { kept: true } };

      // Act
      const { ours, reference } = outcomes(raw);

      // Assess
      expect(ours, name).toEqual(reference);
      expect(
        ours.data?.data.outputArtifacts.every((a) => a.revision === null || typeof a.revision === 'string'),
      ).toBe(true);
      expect((ours.data as unknown as { extra: unknown }).extra).toEqual({ kept: true });
    }
  });

  it('names each broken member the way the zod schema did, all of them at once', () => {
    // Prepare
    const raw = fixture('kms-encrypted');
    raw.id = '';
    raw.data.encryptionKey.type = 'AES';
    raw.data.inputArtifacts = [{ name: 7, location: { type: 'S3', s3Location: {} } }];
    raw.data.actionConfiguration.configuration = { FunctionName: 'f', Timeout: 30 };

    // Act
    const { ours, reference } = outcomes(raw);

    // Assess
    expect(ours).toEqual(reference);
    expect(ours.message).toBe(
      [
        'CodePipeline.job.id: length must be >= 1',
        'CodePipeline.job.data.actionConfiguration.configuration.Timeout: expected string, received number',
        'CodePipeline.job.data.inputArtifacts[0].name: expected string, received number',
        'CodePipeline.job.data.inputArtifacts[0].location.s3Location.bucketName: required (expected string)',
        'CodePipeline.job.data.inputArtifacts[0].location.s3Location.objectKey: required (expected string)',
        'CodePipeline.job.data.encryptionKey.type: must be one of "KMS"',
      ].join('; '),
    );
  });

  it('gives the same result as the zod schema when any member is removed or replaced (property)', () => {
    const bases = FIXTURES.map(fixture);
    fc.assert(
      fc.property(
        fc
          .nat(bases.length - 1)
          .chain((i) =>
            fc.tuple(
              fc.constant(i),
              fc.constantFrom(...paths(bases[i])),
              fc.oneof(
                fc.constant(undefined),
                fc.constant(null),
                fc.constant([]),
                fc.constant({}),
                fc.constant(''),
                fc.constant('S3'),
                fc.double(),
                fc.string(),
                fc.array(fc.anything(), { maxLength: 2 }),
                fc.dictionary(fc.string(), fc.anything(), { maxKeys: 2 }),
              ),
            ),
          ),
        ([i, path, replacement]) => {
          const raw = structuredClone(bases[i]);
          let holder: any = raw;
          for (const seg of path.slice(0, -1)) holder = holder[seg];
          const last = path[path.length - 1];
          if (replacement === undefined) delete holder[last];
          else holder[last] = replacement;
          const { ours, reference } = outcomes(raw);
          expect(ours).toEqual(reference);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('gives the same result as the zod schema for any value (property)', () => {
    fc.assert(
      fc.property(fc.anything(), (raw) => {
        const { ours, reference } = outcomes(raw);
        expect(ours).toEqual(reference);
      }),
      { numRuns: 300 },
    );
  });
});
