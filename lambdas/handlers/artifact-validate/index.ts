import * as z from 'zod';
import { openInputArtifact, type InputArtifact } from '../../toolkit/artifacts-read.js';
import { JobFailureError } from '../../toolkit/errors.js';
import { withJob } from '../../toolkit/with-job.js';
import { compileSchema, describeErrors } from './json-schema.js';

/** Largest JSON file (data or schema) read into memory for validation. */
export const VALIDATE_JSON_MAX_BYTES = 16 * 1024 * 1024;

/**
 * UserParameters of `artifact-validate` (JSON):
 * - `artifact`: input artifact to check (default: the job's first input artifact);
 * - `required`: paths that must exist (a file, or a directory given with or without a trailing `/`);
 * - `schemas`: JSON file in the artifact -> JSON Schema file in the same artifact (schemas live in the
 *   artifact because configuration values are limited to 1000 chars);
 * - `maxBytes`: most uncompressed bytes the artifact may hold.
 */
export const validateParameters = z.strictObject({
  artifact: z.string().min(1).optional(),
  required: z.array(z.string().min(1)).default([]),
  schemas: z.record(z.string().min(1), z.string().min(1)).default({}),
  maxBytes: z.number().int().positive().optional(),
});

/** Parsed {@link validateParameters}. */
export type ValidateParameters = z.infer<typeof validateParameters>;

/**
 * Checks an input artifact: required paths present, JSON files valid against their JSON Schemas (ajv,
 * every error collected), total size within `maxBytes`. Fails the job with `JobFailed` listing every
 * violation; succeeds with output variables `fileCount` and `bytes`.
 *
 * @example
 * ```json
 * {"artifact": "SourceArtifact", "required": ["package.json", "config/"],
 *  "schemas": {"config/app.json": "schemas/app.schema.json"}, "maxBytes": 10485760}
 * ```
 */
export const handler = withJob(
  async (run) => {
    const params = run.params;
    const name = params.artifact ?? run.job.inputArtifacts[0]?.name;
    if (!name) {
      throw new JobFailureError(
        'ConfigurationError',
        'artifact-validate needs an input artifact on its action',
      );
    }
    const artifact = await openInputArtifact(run.job, name);
    try {
      const files = artifact.entries.filter((e) => !e.isDirectory);
      const bytes = files.reduce((sum, e) => sum + e.size, 0);
      const violations = [
        ...checkSize(bytes, params.maxBytes),
        ...checkRequired(artifact, params.required),
        ...(await checkSchemas(artifact, params.schemas)),
      ];
      if (violations.length) {
        throw new JobFailureError(
          'JobFailed',
          `Artifact "${name}" failed validation with ${violations.length} violation(s):\n` +
            violations.map((v) => `- ${v}`).join('\n'),
        );
      }
      const schemaCount = Object.keys(params.schemas).length;
      return {
        summary: `Artifact "${name}" is valid: ${files.length} file(s), ${bytes} bytes, ${params.required.length} required path(s), ${schemaCount} schema check(s)`,
        outputVariables: { fileCount: String(files.length), bytes: String(bytes) },
      };
    } finally {
      artifact.close();
    }
  },
  { userParameters: validateParameters },
);

function checkSize(bytes: number, maxBytes: number | undefined): string[] {
  return maxBytes !== undefined && bytes > maxBytes
    ? [`the artifact holds ${bytes} bytes uncompressed, more than maxBytes ${maxBytes}`]
    : [];
}

function checkRequired(artifact: InputArtifact, required: readonly string[]): string[] {
  const out: string[] = [];
  for (const wanted of required) {
    const path = wanted.replace(/^\.?\/+/, '').replace(/\/+$/, '');
    const present =
      artifact.entry(path) !== undefined || artifact.entries.some((e) => e.path.startsWith(`${path}/`));
    if (!present) out.push(`required path "${wanted}" is missing`);
  }
  return out;
}

async function checkSchemas(
  artifact: InputArtifact,
  schemas: Readonly<Record<string, string>>,
): Promise<string[]> {
  const out: string[] = [];
  for (const [dataPath, schemaPath] of Object.entries(schemas)) {
    const schema = await readJson(artifact, schemaPath, 'schema');
    const data = await readJson(artifact, dataPath, 'file');
    if (!schema.ok) out.push(schema.problem);
    if (!data.ok) out.push(data.problem);
    if (!schema.ok || !data.ok) continue;
    let validate;
    try {
      validate = compileSchema(schema.value);
    } catch (err) {
      out.push(`schema "${schemaPath}" is not a valid JSON Schema: ${(err as Error).message}`);
      continue;
    }
    if (!validate(data.value)) {
      for (const line of describeErrors(validate.errors))
        out.push(`${dataPath} ${line} (schema "${schemaPath}")`);
    }
  }
  return out;
}

type JsonRead = { ok: true; value: unknown } | { ok: false; problem: string };

async function readJson(artifact: InputArtifact, path: string, what: 'file' | 'schema'): Promise<JsonRead> {
  const entry = artifact.entry(path);
  if (!entry || entry.isDirectory) return { ok: false, problem: `${what} "${path}" is missing` };
  if (entry.size > VALIDATE_JSON_MAX_BYTES) {
    return {
      ok: false,
      problem: `${what} "${path}" is ${entry.size} bytes, over ${VALIDATE_JSON_MAX_BYTES} to validate`,
    };
  }
  const text = (await artifact.readText(entry)).replace(/^\uFEFF/, '');
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, problem: `${what} "${path}" is not valid JSON: ${(err as Error).message}` };
  }
}
