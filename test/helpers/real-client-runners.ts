import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { repoRoot } from './local-server.js';
import type { Output, ScenarioFiles, ScenarioStep } from './real-client-scenario.js';

const run = promisify(execFile);

/**
 * Environment for the Python clients (aws CLI, boto3): this process's, with dummy credentials, us-east-1 and
 * no config files, so that nothing on the machine changes what they send.
 *
 * @example
 * await run('aws', ['s3', 'ls', '--endpoint-url', endpoint], { env: pythonClientEnv() });
 */
export function pythonClientEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
}

/** {@link pythonClientEnv} with no pager and no retries (each step answers once). */
export function clientEnv(): NodeJS.ProcessEnv {
  return { ...pythonClientEnv(), AWS_PAGER: '', AWS_MAX_ATTEMPTS: '1' };
}

/** What one step showed: its output on success, or the client's error code (and exit code for the CLI). */
export interface StepResult {
  readonly id: string;
  readonly ok: boolean;
  readonly code: string | null;
  readonly output: Output | null;
  readonly detail: string;
}

/** Drives a list of steps through one client and returns one result per step, in order. */
export type ScenarioRunner = (steps: readonly (readonly ScenarioStep[])[]) => Promise<StepResult[]>;

const kebab = (op: string) => op.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
const CLI_ERROR = /An error occurred \((\w+)\) when calling the (\w+) operation/;

/** Where a CLI runner finds the aws CLI. */
export interface AwsCli {
  /** The `aws` executable (run as a real process for `processSteps`). */
  readonly bin: string;
  /** The Python interpreter of that CLI's `awscli` package (runs the other steps through the CLI's driver). */
  readonly python: string;
  /** Expected exit code of a service error: 254 for aws CLI v2, 255 for v1. */
  readonly serviceErrorExit: number;
}

interface CliAnswer {
  readonly exit: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** One long-lived `aws_cli_driver.py` process: commands in, answers out, in order. */
class CliDriver {
  readonly version: Promise<string>;
  private readonly child: ChildProcess;
  private readonly waiting: ((line: string) => void)[] = [];
  private stderr = '';

  constructor(python: string, dir: string) {
    const script = join(repoRoot, 'test/fixtures/real-clients/aws_cli_driver.py');
    this.child = spawn(python, [script, dir], { env: clientEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    const lines = createInterface({ input: this.child.stdout! });
    lines.on('line', (line) => this.waiting.shift()?.(line));
    this.version = this.next().then((line) => (JSON.parse(line) as { awscli: string }).awscli);
  }

  private next(): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`aws CLI driver: no answer; stderr: ${this.stderr}`)),
        60_000,
      );
      this.waiting.push((line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });
  }

  async run(id: string, argv: string[]): Promise<CliAnswer> {
    const answer = this.next();
    this.child.stdin!.write(JSON.stringify({ id, argv }) + '\n');
    return JSON.parse(await answer) as CliAnswer;
  }

  close(): void {
    this.child.stdin!.end();
    this.child.kill();
  }
}

async function runProcess(bin: string, argv: string[], dir: string): Promise<CliAnswer> {
  try {
    const { stdout, stderr } = await run(bin, argv, { cwd: dir, env: clientEnv(), timeout: 60_000 });
    return { exit: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { exit: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/**
 * A runner for an aws CLI. Each step is `aws --endpoint-url E --output json codepipeline <command> <args>`
 * with the step's CLI arguments (or `--cli-input-json`). Steps named in `processSteps` run as real `aws`
 * processes (concurrently with the rest of their phase); the others go through the same CLI's driver in
 * one Python process (its version is checked against `aws --version` first). `files` are written to
 * `dir`, the working directory of both, for `file://` arguments. `close()` ends the driver.
 *
 * @example
 * const cli = cliRunner(cli, endpoint, dir, files, ['create-pipeline-from-file']);
 * try { results = await cli.run(phases); } finally { cli.close(); }
 */
export function cliRunner(
  cli: AwsCli,
  endpoint: string,
  dir: string,
  files: ScenarioFiles,
  processSteps: readonly string[],
): { run: ScenarioRunner; close(): void } {
  for (const [name, content] of Object.entries(files))
    writeFileSync(join(dir, name), JSON.stringify(content));
  const driver = new CliDriver(cli.python, dir);
  const one = async (step: ScenarioStep, viaProcess: boolean): Promise<StepResult> => {
    const args = step.cli ? [...step.cli] : ['--cli-input-json', JSON.stringify(step.input)];
    const argv = ['--endpoint-url', endpoint, '--output', 'json', 'codepipeline', kebab(step.op), ...args];
    const { exit, stdout, stderr } = viaProcess
      ? await runProcess(cli.bin, argv, dir)
      : await driver.run(step.id, argv);
    const how = viaProcess ? cli.bin : `${cli.python} awscli driver`;
    const detail = `${how}: ${argv.slice(4).join(' ').slice(0, 160)} -> exit ${exit}: ${stderr.trim()}`;
    if (exit === 0)
      return { id: step.id, ok: true, code: null, output: stdout.trim() ? JSON.parse(stdout) : {}, detail };
    const match = CLI_ERROR.exec(stderr);
    // a service error: the CLI's service-error exit code, with the modeled code and the operation in stderr
    const serviceError = match !== null && match[2] === step.op && exit === cli.serviceErrorExit;
    return { id: step.id, ok: false, code: serviceError ? match[1] : `exit ${exit}`, output: null, detail };
  };
  const runAll: ScenarioRunner = async (phases) => {
    const { stdout, stderr } = await run(cli.bin, ['--version'], { env: clientEnv() });
    expect(stdout + stderr, `${cli.python}'s awscli is the one ${cli.bin} runs`).toContain(
      `aws-cli/${await driver.version} `,
    );
    const results: StepResult[] = [];
    for (const phase of phases) {
      const viaProcess = (s: ScenarioStep) => processSteps.includes(s.id);
      const processes = Promise.all(phase.filter(viaProcess).map((s) => one(s, true)));
      const driven: StepResult[] = [];
      for (const s of phase.filter((x) => !viaProcess(x))) driven.push(await one(s, false));
      const done = new Map([...(await processes), ...driven].map((r) => [r.id, r]));
      results.push(...phase.map((s) => done.get(s.id)!));
    }
    return results;
  };
  return { run: runAll, close: () => driver.close() };
}

/**
 * A runner for a Python interpreter with boto3: all steps go to one `boto3_scenario.py` process, in order.
 *
 * @example
 * const results = await boto3Runner('python3', endpoint, dir)(phases);
 */
export function boto3Runner(python: string, endpoint: string, dir: string): ScenarioRunner {
  const script = join(repoRoot, 'test/fixtures/real-clients/boto3_scenario.py');
  return async (phases) => {
    const steps = phases.flat().map(({ id, op, input, paginate }) => ({ id, op, input, paginate }));
    const file = join(dir, `steps-${Date.now()}.json`);
    writeFileSync(file, JSON.stringify(steps));
    const { stdout } = await run(python, [script, endpoint, file], { env: clientEnv(), timeout: 60_000 });
    return stdout
      .trim()
      .split('\n')
      .map((line) => {
        const r = JSON.parse(line) as { id: string; ok: boolean; code: string | null; status: number } & {
          output: Output | null;
          message: string | null;
        };
        return { ...r, detail: `${python} boto3 ${r.id} -> ${r.status} ${r.code ?? ''} ${r.message ?? ''}` };
      });
  };
}

/** Asserts every step's outcome (success with its checks, or its error code) and returns the codes seen. */
export function assertScenario(
  phases: readonly (readonly ScenarioStep[])[],
  results: StepResult[],
): string[] {
  const steps = phases.flat();
  expect(results.map((r) => r.id)).toEqual(steps.map((s) => s.id));
  const codes = new Set<string>();
  steps.forEach((step, i) => {
    const r = results[i];
    expect(r.ok ? 'ok' : r.code, `${step.id}: ${r.detail}`).toBe(step.expect);
    if (r.code) codes.add(r.code);
    if (r.ok && step.check) {
      try {
        step.check(r.output!);
      } catch (e) {
        throw new Error(`${step.id}: ${(e as Error).message}`, { cause: e });
      }
    }
  });
  return [...codes].sort();
}

/**
 * Debian's older clients (/usr/bin/aws v2 and /usr/bin/python3 with python3-boto3), installed by `.ci/run`.
 * Returns undefined when present, else why they are missing.
 */
export function missingDebianClients(): string | undefined {
  if (!existsSync('/usr/bin/aws')) return '/usr/bin/aws is missing';
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import boto3'], { stdio: 'ignore' });
  } catch {
    return '/usr/bin/python3 cannot import boto3 (python3-boto3 is not installed)';
  }
  return undefined;
}
