import { openInputArtifact } from '../../toolkit/artifacts-read.js';
import { JobFailureError } from '../../toolkit/errors.js';
import { createJobWorkerHandler } from '../../toolkit/job-worker-handler.js';
import type { JobWorkerDefinition } from '../../toolkit/job-worker.js';
import { DEFAULT_ENTROPY_THRESHOLDS } from './rules.js';
import { formatFinding, scanArtifact } from './scan-artifact.js';

/** Configuration properties of the `SecretScan` custom action type (same shape as the CDK construct's). */
export const SECRET_SCAN_PROPERTIES = [
  {
    name: 'EntropyThreshold',
    required: false,
    type: 'Number',
    description: 'Bits per character from which a base64-like token counts as a secret (default 4.5)',
  },
] as const;

/**
 * The custom action type this worker serves: `CPKIT_ACTION_CATEGORY` / `CPKIT_ACTION_PROVIDER` /
 * `CPKIT_ACTION_VERSION` (set by the `JobWorkerFunction` construct), else Test / SecretScan / 1.
 */
export const SECRET_SCAN_ACTION_TYPE = {
  category: process.env.CPKIT_ACTION_CATEGORY || 'Test',
  provider: process.env.CPKIT_ACTION_PROVIDER || 'SecretScan',
  version: process.env.CPKIT_ACTION_VERSION || '1',
};

const MAX_LISTED_FINDINGS = 40;

/**
 * The secret-scan job: scans every input artifact for committed credentials (AWS access key ids, private
 * key blocks, high-entropy tokens), honouring the artifact's `.secret-scan-allow`. Fails with `file:line`
 * findings (values masked); succeeds with the number of files scanned (summary and output variable
 * `filesScanned`). Usable from `cpkit worker --module dist/lambdas/secret-scan/index.mjs`.
 *
 * @example
 * // cpkit worker --category Test --provider SecretScan --module dist/lambdas/secret-scan/index.mjs --endpoint http://127.0.0.1:4566
 */
export const worker: JobWorkerDefinition<typeof SECRET_SCAN_PROPERTIES> = {
  configuration: SECRET_SCAN_PROPERTIES,
  run: async (job, run) => {
    if (job.inputArtifacts.length === 0) {
      throw new JobFailureError('ConfigurationError', 'secret-scan needs an input artifact to scan');
    }
    const threshold = job.config.EntropyThreshold ?? DEFAULT_ENTROPY_THRESHOLDS.base64;
    let scanned = 0;
    let skipped = 0;
    let allowed = 0;
    const lines: string[] = [];
    for (const { name } of job.inputArtifacts) {
      const artifact = await openInputArtifact(job, name);
      try {
        const result = await scanArtifact(artifact, { ...DEFAULT_ENTROPY_THRESHOLDS, base64: threshold });
        scanned += result.filesScanned;
        skipped += result.filesSkipped;
        allowed += result.allowed;
        lines.push(...result.findings.map(formatFinding));
        for (const problem of result.allowListProblems)
          run.logger.warn('allow-list line ignored', { artifact: name, problem });
      } finally {
        artifact.close();
      }
    }
    if (lines.length > 0) {
      const listed = lines.slice(0, MAX_LISTED_FINDINGS);
      const more = lines.length > listed.length ? `\n... and ${lines.length - listed.length} more` : '';
      throw new JobFailureError(
        'JobFailed',
        `${lines.length} committed secret${lines.length === 1 ? '' : 's'} found in ${scanned} files ` +
          `(allow one with its fingerprint in .secret-scan-allow):\n${listed.join('\n')}${more}`,
      );
    }
    return {
      summary: `No secrets found in ${scanned} files (${skipped} skipped, ${allowed} allowed)`,
      outputVariables: { filesScanned: String(scanned), filesSkipped: String(skipped) },
    };
  },
};

/** Event-driven Lambda handler: polls only when a SecretScan action starts. */
export const handler = createJobWorkerHandler({
  ...worker,
  actionType: SECRET_SCAN_ACTION_TYPE,
  concurrency: 2,
});
