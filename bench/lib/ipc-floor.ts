import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarize, type SampleSummary } from './stats.js';

/**
 * The floor of handing work to another process: `rounds` IPC round trips (send a message, get the reply) to a
 * warm child Node process, as the local Lambda runtime does for every invocation.
 *
 * @example
 * const { median } = await ipcRoundTrips(1000);
 */
export async function ipcRoundTrips(rounds: number): Promise<SampleSummary> {
  const dir = mkdtempSync(join(tmpdir(), 'cpkit-bench-ipc-'));
  const script = join(dir, 'echo.mjs');
  writeFileSync(script, "process.on('message', (m) => process.send(m));\n");
  const child = fork(script, [], { stdio: 'ignore' });
  try {
    const once = (i: number) =>
      new Promise<number>((resolve) => {
        const started = performance.now();
        child.once('message', () => resolve(performance.now() - started));
        child.send({
          type: 'invoke',
          requestId: String(i),
          event: { 'CodePipeline.job': { id: String(i) } },
        });
      });
    for (let i = 0; i < 20; i++) await once(i); // warm
    const samples: number[] = [];
    for (let i = 0; i < rounds; i++) samples.push(await once(i));
    return summarize(samples);
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
