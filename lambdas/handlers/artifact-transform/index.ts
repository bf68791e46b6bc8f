import { Transform, pipeline, type Readable } from 'node:stream';
import * as z from 'zod';
import { JobFailureError } from '../../toolkit/errors.js';
import { openInputArtifact, type ArtifactEntry, type InputArtifact } from '../../toolkit/artifacts-read.js';
import { writeOutputArtifact, type OutputFile } from '../../toolkit/artifacts-write.js';
import { withJob } from '../../toolkit/with-job.js';
import { globMatcher } from './glob.js';
import { TemplateStream, type TemplateStats } from './template-stream.js';

/**
 * UserParameters of `artifact-transform` (JSON):
 * - `artifact`: input artifact to read (default: the job's first input artifact);
 * - `outputArtifact`: output artifact to write (default: the job's first output artifact);
 * - `templates`: globs of the files to render (default `["**"]`, every file); other files are copied;
 * - `stripSuffix`: suffix removed from rendered files' names (e.g. `.tmpl`);
 * - `variables`: values of `${KEY}` placeholders. Values may hold pipeline variables (`#{SourceVariables.CommitId}`),
 *   which CodePipeline resolves before the job starts;
 * - `failOnMissing`: fail when a template uses a `${KEY}` without a value (default false: left as is).
 */
export const transformParameters = z.strictObject({
  artifact: z.string().min(1).optional(),
  outputArtifact: z.string().min(1).optional(),
  templates: z.array(z.string().min(1)).min(1).default(['**']),
  stripSuffix: z.string().min(1).optional(),
  variables: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'a key is a letter or _, then letters, digits, _ . -'),
      z.string(),
    )
    .default({}),
  failOnMissing: z.boolean().default(false),
});

/** Parsed {@link transformParameters}. */
export type TransformParameters = z.infer<typeof transformParameters>;

/**
 * Renders the template files of an input artifact into an output artifact, substituting `${KEY}` with
 * the `variables` of UserParameters (pipeline variables inside them are resolved by CodePipeline), and
 * copies every other file unchanged. Streams entry by entry, so artifacts far larger than memory work.
 * Output variables: `fileCount` (files in the output) and `sha256` (of the output zip).
 *
 * @example
 * ```json
 * {"artifact": "SourceArtifact", "templates": ["**\/*.tmpl"], "stripSuffix": ".tmpl",
 *  "variables": {"STAGE": "prod", "COMMIT": "#{SourceVariables.CommitId}"}}
 * ```
 */
export const handler = withJob(
  async (run) => {
    const params = run.params;
    const job = run.job;
    const unresolved = Object.entries(params.variables).filter(([, v]) => /#\{[^}]*\}/.test(v));
    if (unresolved.length) {
      throw new JobFailureError(
        'ConfigurationError',
        `UserParameters.variables hold unresolved pipeline variables: ${unresolved
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')} (is the action's variable namespace spelled right?)`,
      );
    }
    const inputName = params.artifact ?? job.inputArtifacts[0]?.name;
    const outputName = params.outputArtifact ?? job.outputArtifacts[0]?.name;
    if (!inputName || !outputName) {
      throw new JobFailureError(
        'ConfigurationError',
        'artifact-transform needs one input artifact and one output artifact on its action',
      );
    }
    const source = await openInputArtifact(job, inputName);
    try {
      const isTemplate = globMatcher(params.templates);
      const totals: TemplateStats = { substitutions: 0, missing: new Set() };
      let rendered = 0;
      const files = source.entries
        .filter((e) => !e.isDirectory)
        .map((entry): OutputFile => {
          if (!isTemplate(entry.path)) {
            return { path: entry.path, mode: entry.mode, content: () => source.openEntry(entry) };
          }
          rendered += 1;
          const path =
            params.stripSuffix && entry.path.endsWith(params.stripSuffix) && entry.path !== params.stripSuffix
              ? entry.path.slice(0, -params.stripSuffix.length)
              : entry.path;
          return {
            path,
            mode: entry.mode,
            content: () => renderEntry(source, entry, params, totals),
          };
        });
      const result = await writeOutputArtifact(job, outputName, files);
      run.logger.info('artifact rendered', {
        input: inputName,
        output: outputName,
        files: result.fileCount,
        templates: rendered,
        substitutions: totals.substitutions,
        bytes: result.bytes,
      });
      const missing = [...totals.missing].sort();
      return {
        summary:
          `Rendered ${rendered} template(s) of "${inputName}" into "${outputName}": ${result.fileCount} file(s), ` +
          `${totals.substitutions} substitution(s)` +
          (missing.length
            ? `; no value for ${missing.map((k) => '${' + k + '}').join(', ')} (left as is)`
            : ''),
        outputVariables: { fileCount: String(result.fileCount ?? 0), sha256: result.sha256 },
      };
    } finally {
      source.close();
    }
  },
  { userParameters: transformParameters },
);

async function renderEntry(
  source: InputArtifact,
  entry: ArtifactEntry,
  params: TransformParameters,
  totals: TemplateStats,
): Promise<Readable> {
  const input = await source.openEntry(entry);
  const template = new TemplateStream(params.variables);
  template.on('end', () => {
    totals.substitutions += template.stats.substitutions;
    for (const key of template.stats.missing) totals.missing.add(key);
  });
  const checked = params.failOnMissing ? new MissingKeyGuard(entry.path, template.stats) : undefined;
  return checked
    ? pipeline(input, template, checked, () => undefined)
    : pipeline(input, template, () => undefined);
}

/** Fails the stream at its end when the template used keys without values (`failOnMissing`). */
class MissingKeyGuard extends Transform {
  public constructor(
    private readonly path: string,
    private readonly stats: TemplateStats,
  ) {
    super();
  }

  public override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (err?: Error | null, data?: Buffer) => void,
  ) {
    callback(null, chunk);
  }

  public override _flush(callback: (err?: Error | null) => void) {
    if (this.stats.missing.size === 0) {
      callback();
      return;
    }
    const keys = [...this.stats.missing].sort();
    callback(
      new JobFailureError(
        'JobFailed',
        `Template "${this.path}" uses ${keys.map((k) => '${' + k + '}').join(', ')} with no value in UserParameters.variables`,
      ),
    );
  }
}
