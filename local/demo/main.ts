import { formatTable } from './pipeline-progress.js';
import { runDemo } from './run-demo.js';

/**
 * Entry of `npm start` (scripts/demo.mjs bundles and runs it): runs the demo, prints the summary table,
 * exits 0 on success and 1 naming the failing action and its message.
 */
export async function main(bundlesDir: string): Promise<number> {
  const started = Date.now();
  try {
    const result = await runDemo({ bundlesDir });
    console.log('');
    console.log(formatTable(result.rows));
    console.log('');
    const total = ((Date.now() - started) / 1000).toFixed(1);
    const { synthMs, runMs } = result.timings;
    if (result.failure) {
      console.error(`demo: FAILED: ${result.failure}`);
      return 1;
    }
    console.log(
      `demo: ${result.pipelineName} ${result.status} in ${(runMs / 1000).toFixed(1)} s ` +
        `(synth ${(synthMs / 1000).toFixed(1)} s, total ${total} s)`,
    );
    return 0;
  } catch (err) {
    console.error(`demo: FAILED: ${(err as Error).message}`);
    return 1;
  }
}
