import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ServerProcess } from './processes.js';

const SCRIPT = `import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
const bodies = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const op = String(req.headers['x-amz-target'] ?? '').split('.').pop();
    const body = bodies[op] ?? '{}';
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

/**
 * The floor of the API benchmark: a bare node:http server in its own process that answers every request with
 * a fixed JSON body per operation (`bodies`, e.g. the engine's own replies captured once), doing no other work.
 *
 * @example
 * const floor = await startFloorServer({ GetPipeline: '{"pipeline":{}}' });
 * await floor.stop();
 */
export function startFloorServer(bodies: Record<string, string>): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'cpkit-bench-floor-'));
  writeFileSync(join(dir, 'server.mjs'), SCRIPT);
  writeFileSync(join(dir, 'bodies.json'), JSON.stringify(bodies));
  const child = spawn(process.execPath, [join(dir, 'server.mjs'), join(dir, 'bodies.json')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`floor server exited ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (!m) return;
      resolve({
        child,
        endpoint: m[1],
        stop: () =>
          new Promise<void>((done) => {
            child.once('exit', () => {
              rmSync(dir, { recursive: true, force: true });
              done();
            });
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
