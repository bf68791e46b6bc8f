#!/usr/bin/env node
// The benchmark runner of `npm run bench` (after scripts/build.mjs): runs every bench/*.bench.ts in its own Node
// process, one after another, collects their rows (each a ratio against a baseline measured in the same run),
// prints one table, writes bench/results.json and the table in bench/RESULTS.md (between the bench markers).
//
// TypeScript benches run the same way everywhere: bundled with esbuild (dependencies external) into
// node_modules/.cache/cpkit-bench/<name>.mjs, then run with `node`. A bench reports its rows through
// BENCH_RESULT_FILE (bench/lib/results.ts); the two older benches that only print lines are parsed here.
//
// Usage: node bench/run.mjs [name ...]   (names without .bench.ts; default: all, in the order below)
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleEntry } from '../scripts/build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = join(root, 'node_modules', '.cache', 'cpkit-bench');
const BUDGET_S = 15 * 60;

/** Every benchmark with its own time limit (seconds); the limits add up to less than the 15-minute budget. */
const BENCHES = [
  { name: 'bundle-size', limitS: 60 },
  { name: 'cold-start', limitS: 150 },
  { name: 'engine-overhead', limitS: 120 },
  { name: 'scale', limitS: 120 },
  { name: 'api-throughput', limitS: 240 },
  { name: 'artifact-streaming', limitS: 120, parse: parseArtifactStreaming },
  { name: 's3-throughput', limitS: 60, parse: parseS3Throughput },
  { name: 'job-worker', limitS: 25 },
];

/** Rows from the output of bench/artifact-streaming.bench.ts. */
function parseArtifactStreaming(out, benchRow) {
  const handler = /handler:\s+([\d.]+) s, ([\d.]+) MiB\/s/.exec(out);
  const copy = /fs\.copyFile baseline:\s+([\d.]+) s, ([\d.]+) MiB\/s/.exec(out);
  const rss = /peak RSS of handler:\s+([\d.]+) MB/.exec(out);
  const input = /input artifact:\s+([\d.]+) MiB zip/.exec(out);
  const correct = /correct=(true|false)/.exec(out);
  if (!handler || !copy || !rss) return [];
  const bench = 'artifact-streaming';
  return [
    benchRow({
      bench,
      metric: 'artifact-transform throughput',
      value: Number(handler[2]),
      unit: 'MiB/s',
      baseline: 'fs.copyFile of the same zip',
      baselineValue: Number(copy[2]),
      detail: `${input?.[1] ?? '?'} MiB zip in ${handler[1]} s; output correct=${correct?.[1] ?? '?'}`,
    }),
    benchRow({
      bench,
      metric: 'artifact-transform peak RSS',
      value: Number(rss[1]),
      unit: 'MB',
      baseline: 'Lambda 128 MB',
      baselineValue: 128,
      target: { on: 'value', op: '<=', limit: 128 },
      detail: 'VmHWM / maxRSS of the handler process',
    }),
  ];
}

/** Rows from the output of bench/s3-throughput.bench.ts. */
function parseS3Throughput(out, benchRow) {
  const lines = [...out.matchAll(/^(.+?)\s+(\d+) MiB\/s\s+(\d+) ms\s+([\d.]+)x of fs\.copyFile$/gm)];
  const base = lines.find((m) => m[1].startsWith('fs.copyFile (baseline)'));
  if (!base) return [];
  return lines
    .filter((m) => m !== base)
    .map((m) =>
      benchRow({
        bench: 's3-throughput',
        metric: m[1].trim(),
        value: Number(m[2]),
        unit: 'MiB/s',
        baseline: 'fs.copyFile 50 MiB',
        baselineValue: Number(base[2]),
        detail: `median of 3, ${m[3]} ms`,
      }),
    );
}

function bundle(entry, name) {
  return bundleEntry(entry, join(cacheDir, `${name}.mjs`), { sourcemap: 'inline' });
}

function runBench(file, limitS, resultFile) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--enable-source-maps', file], {
      cwd: root,
      env: {
        ...process.env,
        BENCH_RESULT_FILE: resultFile,
        CPKIT_ROOT: root,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true, // its own process group, so a timeout can end the bench and its children
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d.toString();
      process.stdout.write(d);
    });
    const timer = setTimeout(() => {
      console.error(`bench: ${file} passed its ${limitS} s limit; stopping it`);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, limitS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, seconds: (performance.now() - started) / 1000 });
    });
  });
}

function writeResultsMd(lib, machine, rows, seconds) {
  const file = join(root, 'bench', 'RESULTS.md');
  const begin = '<!-- bench:begin (written by bench/run.mjs) -->';
  const end = '<!-- bench:end -->';
  const table = [
    begin,
    `Machine: ${lib.formatMachine(machine)}. Run: ${new Date().toISOString()}, ${seconds.toFixed(0)} s in all.`,
    '',
    lib.formatTable(rows, { markdown: true }),
    end,
  ].join('\n');
  const old = existsSync(file) ? readFileSync(file, 'utf8') : `# Benchmark results\n\n${begin}\n${end}\n`;
  const at = old.indexOf(begin);
  const to = old.indexOf(end);
  const next =
    at >= 0 && to > at ? old.slice(0, at) + table + old.slice(to + end.length) : `${old}\n${table}\n`;
  writeFileSync(file, next);
}

async function main() {
  const started = performance.now();
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !BENCHES.some((b) => b.name === w));
  if (unknown.length) {
    console.error(
      `bench: unknown benchmark(s) ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`,
    );
    process.exit(2);
  }
  const selected = wanted.length ? BENCHES.filter((b) => wanted.includes(b.name)) : BENCHES;
  mkdirSync(cacheDir, { recursive: true });
  const lib = await import(
    pathToFileURL(await bundle(join(root, 'bench', 'lib', 'report.ts'), 'report')).href
  );
  const machine = lib.describeMachine();
  console.log(`bench: ${selected.length} benchmarks on ${lib.formatMachine(machine)}`);

  const benches = [];
  for (const b of selected) {
    const file = await bundle(join(root, 'bench', `${b.name}.bench.ts`), b.name);
    const resultFile = join(cacheDir, `${b.name}.result.json`);
    rmSync(resultFile, { force: true });
    console.log(`\n=== ${b.name} ===`);
    const run = await runBench(file, b.limitS, resultFile);
    let rows = [];
    if (b.parse) rows = b.parse(run.out, lib.benchRow);
    else if (existsSync(resultFile)) rows = JSON.parse(readFileSync(resultFile, 'utf8')).rows;
    const ok = run.code === 0 && rows.length > 0;
    if (!ok) console.error(`bench: ${b.name} failed (exit ${run.code ?? run.signal}, ${rows.length} rows)`);
    benches.push({ name: b.name, seconds: Number(run.seconds.toFixed(1)), exitCode: run.code, ok, rows });
  }

  const seconds = (performance.now() - started) / 1000;
  const rows = benches.flatMap((b) => b.rows);
  console.log(
    `\n=== all benchmarks (${seconds.toFixed(0)} s; budget ${BUDGET_S} s) on ${lib.formatMachine(machine)} ===`,
  );
  console.log(lib.formatTable(rows));
  const missed = rows.filter((r) => r.pass === false);
  const failed = benches.filter((b) => !b.ok);
  if (missed.length)
    console.log(`\ntargets missed: ${missed.map((r) => `${r.bench}: ${r.metric}`).join('; ')}`);
  writeFileSync(
    join(root, 'bench', 'results.json'),
    JSON.stringify(
      {
        generatedAt: new Date().toISOString(),
        machine,
        seconds: Number(seconds.toFixed(1)),
        budgetSeconds: BUDGET_S,
        benches: benches.map(({ rows: _rows, ...b }) => b),
        rows,
      },
      null,
      2,
    ) + '\n',
  );
  if (!wanted.length) writeResultsMd(lib, machine, rows, seconds);
  console.log(`wrote bench/results.json${wanted.length ? '' : ' and bench/RESULTS.md'}`);
  if (failed.length || seconds > BUDGET_S) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
