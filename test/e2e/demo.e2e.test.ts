import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../local/demo/run-demo.js';
import { synthesizedCpkitApp } from '../helpers/cdk-synth.js';

describe('Function: runDemo', () => {
  it('runs cpkit-release end to end from the synthesized app: worker via events, reviewer via the signed link', async () => {
    // Prepare: the handler bundles of the shared synth (fresh from source)
    const bundlesDir = join(dirname((await synthesizedCpkitApp()).outdir), 'bundles');
    const lines: string[] = [];
    // Act
    const result = await runDemo({ bundlesDir, log: (l) => lines.push(l), timeoutMs: 80_000 });
    // Assess
    expect(result.failure, lines.join('\n')).toBeUndefined();
    expect(result.status).toBe('Succeeded');
    expect(result.rows.map((r) => `${r.stage}/${r.action}:${r.status}`)).toEqual([
      'Source/Source:Succeeded',
      'Validate/Validate:Succeeded',
      'Scan/SecretScan:Succeeded',
      'Build/Render:Succeeded',
      'Approve/Review:Succeeded',
      'Verify/Smoke:Succeeded',
      'Verify/WaitReady:Succeeded',
    ]);
    const summary = (action: string) => result.rows.find((r) => r.action === action)!.summary;
    expect(summary('SecretScan')).toMatch(/No secrets found in 4 files/);
    expect(summary('Review')).toMatch(/demo reviewer/);
    expect(summary('WaitReady')).toMatch(/after 6 attempt\(s\)/);
    expect(lines.join('\n')).toMatch(/opening the approve link as a reviewer/);
    // The wait-for function (timeout 10 s) handed over with a continuation before the URL was ready.
    expect(lines.join('\n')).toMatch(/WaitReady: InProgress - waiting for .* attempt\(s\) so far/);
  }, 90_000);
});
