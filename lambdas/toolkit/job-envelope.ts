/**
 * The shape check of the `CodePipeline.job` member of a Lambda event (see field-notes section 1).
 *
 * Written out by hand rather than as a zod schema: the job envelope needs arrays, records, literals and
 * nullables, which a handler's own UserParameters schema rarely does, and as a zod schema they put about
 * 5 kB into every handler bundle (bench/ bundle-size). The issues it returns have the shape of zod's
 * (without `message`, which `describeZodIssues` does not read for these codes), so they are worded the
 * same way as every other validation message of the toolkit.
 */
import type { $ZodIssue } from 'zod/v4/core';
import type { Artifact, ArtifactCredentials, EncryptionKey, PipelineContext } from './types.js';

/**
 * The job envelope once checked: unknown members are kept, defaults filled in.
 * @internal
 */
export interface JobEnvelope {
  readonly id: string;
  readonly accountId: string;
  readonly data: {
    readonly actionConfiguration: { readonly configuration: Record<string, string> };
    readonly inputArtifacts: Artifact[];
    readonly outputArtifacts: Artifact[];
    readonly artifactCredentials?: ArtifactCredentials;
    readonly continuationToken?: string;
    readonly encryptionKey?: EncryptionKey;
    readonly pipelineContext?: PipelineContext;
  };
}

type Path = PropertyKey[];
/** Checks one value at `path`, adds what is wrong to `issues`, returns the value to keep. */
type Check = (value: unknown, path: Path, issues: $ZodIssue[]) => unknown;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function wrongType(expected: string, path: Path, issues: $ZodIssue[]): undefined {
  issues.push({ code: 'invalid_type', expected, path } as $ZodIssue);
  return undefined;
}

const string =
  (minLength = 0): Check =>
  (v, path, issues) => {
    if (typeof v !== 'string') return wrongType('string', path, issues);
    if (v.length < minLength) {
      issues.push({
        code: 'too_small',
        origin: 'string',
        minimum: minLength,
        inclusive: true,
        path,
      } as $ZodIssue);
    }
    return v;
  };

const number: Check = (v, path, issues) =>
  typeof v === 'number' && Number.isFinite(v) ? v : wrongType('number', path, issues);

const literal =
  (value: string): Check =>
  (v, path, issues) => {
    if (v !== value) issues.push({ code: 'invalid_value', values: [value], path } as $ZodIssue);
    return v;
  };

const stringRecord: Check = (v, path, issues) =>
  isObject(v)
    ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, string()(x, [...path, k], issues)]))
    : wrongType('record', path, issues);

const array =
  (item: Check): Check =>
  (v, path, issues) =>
    Array.isArray(v)
      ? Array.from(v, (x, i) => item(x, [...path, i], issues))
      : wrongType('array', path, issues);

/** An absent value passes; `fallback` (when given) replaces it with a fresh default. */
const optional =
  (inner: Check, fallback?: () => unknown): Check =>
  (v, path, issues) =>
    v === undefined ? fallback?.() : inner(v, path, issues);

/** An object whose listed members are checked and whose other members are kept as they are. */
const looseObject =
  (fields: Record<string, Check>): Check =>
  (v, path, issues) => {
    if (!isObject(v)) return wrongType('object', path, issues);
    const out: Record<string, unknown> = { ...v };
    for (const [key, check] of Object.entries(fields)) {
      const value = check(v[key], [...path, key], issues);
      if (value !== undefined || key in v) out[key] = value;
    }
    return out;
  };

const artifact = looseObject({
  name: string(),
  revision: optional(
    (v, path, issues) => (v === null ? null : string()(v, path, issues)),
    () => null,
  ),
  location: looseObject({
    type: literal('S3'),
    s3Location: looseObject({ bucketName: string(), objectKey: string() }),
  }),
});

const optionalString = optional(string());

const job = looseObject({
  id: string(1),
  accountId: string(),
  data: looseObject({
    actionConfiguration: looseObject({ configuration: optional(stringRecord, () => ({})) }),
    inputArtifacts: optional(array(artifact), () => []),
    outputArtifacts: optional(array(artifact), () => []),
    artifactCredentials: optional(
      looseObject({
        accessKeyId: string(),
        secretAccessKey: string(),
        sessionToken: string(),
        expirationTime: optional(number),
      }),
    ),
    continuationToken: optionalString,
    encryptionKey: optional(looseObject({ id: string(), type: literal('KMS') })),
    pipelineContext: optional(
      looseObject({
        pipelineName: optionalString,
        stage: optional(looseObject({ name: optionalString })),
        action: optional(looseObject({ name: optionalString, actionExecutionId: optionalString })),
        pipelineArn: optionalString,
        pipelineExecutionId: optionalString,
      }),
    ),
  }),
});

/**
 * Checks the `CodePipeline.job` member of an event: the job, or every issue found (paths relative to it).
 * @internal
 * @example
 * ```ts
 * const checked = checkJobEnvelope(event['CodePipeline.job']);
 * if (!checked.success) console.log(describeZodIssues(checked.issues, raw, 'CodePipeline.job'));
 * ```
 */
export function checkJobEnvelope(
  raw: unknown,
): { success: true; data: JobEnvelope } | { success: false; issues: $ZodIssue[] } {
  const issues: $ZodIssue[] = [];
  const data = job(raw, [], issues) as JobEnvelope;
  return issues.length ? { success: false, issues } : { success: true, data };
}
