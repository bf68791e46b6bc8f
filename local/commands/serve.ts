import { Command, CommanderError } from 'commander';
import { resolve } from 'node:path';
import { CdkOutError, checkCdkOutDir } from '../cdk-out-dir.js';
import { formatCdkOutReport } from '../cdk-out/apply-assembly.js';
import { DataDirInUseError } from '../data-dir-lock.js';
import { FunctionsFileError, loadFunctionsFile, type LocalFunction } from '../functions-file.js';
import { startLocalCodePipeline } from '../index.js';
import type { EngineSettings } from '../engine/wiring.js';
import { EngineFlagsError, engineSettingsFromFlags, type EngineFlags } from './engine-flags.js';
import { parseSigV4Flag, type SigV4Credentials } from '../protocol/sigv4.js';

/** Exit codes of `cpkit serve`. */
const EXIT_BAD_USAGE = 2;
const EXIT_RUNTIME = 1;

interface ServeFlags extends EngineFlags {
  port: string;
  host: string;
  dataDir: string;
  functions?: string;
  cdkOut?: string;
  region?: string;
  verifySigv4?: string;
  s3Endpoint?: string;
}

/** A flag or file `cpkit serve` cannot use (exit 2). */
class ServeUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServeUsageError';
  }
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

function parsePort(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) {
    throw new ServeUsageError(
      `--port must be an integer from 0 to 65535 (0 picks a free port), got '${value}'`,
    );
  }
  return Number(value);
}

interface ServeConfig {
  port: number;
  host: string;
  dataDir: string;
  functions: LocalFunction[];
  cdkOut?: string;
  region: string;
  verifySigv4?: SigV4Credentials;
  s3Endpoint?: string;
  engine: EngineSettings;
}

function parseS3Endpoint(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new ServeUsageError(
      `--s3-endpoint must be an http(s) URL such as http://127.0.0.1:9000, got '${value}'`,
    );
  return value;
}

function resolveFlags(flags: ServeFlags): ServeConfig {
  const region = flags.region ?? process.env.AWS_REGION ?? 'us-east-1';
  if (!REGION.test(region)) throw new ServeUsageError(`--region must look like us-east-1, got '${region}'`);
  let verifySigv4: SigV4Credentials | undefined;
  if (flags.verifySigv4 !== undefined) {
    verifySigv4 = parseSigV4Flag(flags.verifySigv4);
    if (!verifySigv4) throw new ServeUsageError('--verify-sigv4 must be KEYID:SECRET');
  }
  try {
    return {
      port: parsePort(flags.port),
      host: flags.host,
      dataDir: resolve(flags.dataDir),
      functions: flags.functions ? loadFunctionsFile(flags.functions) : [],
      cdkOut: flags.cdkOut ? checkCdkOutDir(flags.cdkOut) : undefined,
      region,
      verifySigv4,
      s3Endpoint: parseS3Endpoint(flags.s3Endpoint),
      engine: engineSettingsFromFlags(flags),
    };
  } catch (err) {
    if (err instanceof FunctionsFileError || err instanceof CdkOutError || err instanceof EngineFlagsError)
      throw new ServeUsageError(err.message);
    throw err;
  }
}

async function serve(flags: ServeFlags): Promise<void> {
  let config: ServeConfig;
  try {
    config = resolveFlags(flags);
  } catch (err) {
    if (!(err instanceof ServeUsageError)) throw err;
    process.stderr.write(`cpkit serve: ${err.message}\n`);
    process.exit(EXIT_BAD_USAGE);
  }
  if (!['127.0.0.1', 'localhost', '::1'].includes(config.host)) {
    process.stderr.write(
      `cpkit serve: listening on ${config.host}: other machines can reach this server` +
        (config.verifySigv4 ? '\n' : ' and no signature is checked (add --verify-sigv4 KEYID:SECRET)\n'),
    );
  }
  let local;
  try {
    local = await startLocalCodePipeline({
      port: config.port,
      host: config.host,
      dataDir: config.dataDir,
      functions: config.functions,
      cdkOut: config.cdkOut,
      region: config.region,
      verifySigv4: config.verifySigv4,
      s3Endpoint: config.s3Endpoint,
      engine: config.engine,
    });
  } catch (err) {
    if (err instanceof CdkOutError) {
      process.stderr.write(`cpkit serve: ${err.message}\n`);
      process.exit(EXIT_BAD_USAGE);
    }
    if (err instanceof DataDirInUseError || (err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`cpkit serve: ${(err as Error).message}\n`);
      process.exit(EXIT_RUNTIME);
    }
    throw err;
  }

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`cpkit serve: ${signal} again, exiting without waiting\n`);
      process.exit(EXIT_RUNTIME);
    }
    stopping = true;
    local.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`cpkit serve: shutdown failed: ${(err as Error).message}\n`);
        process.exit(EXIT_RUNTIME);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  // Only now: a supervisor may signal as soon as it reads the listening line.
  process.stdout.write(`data dir: ${local.dataDir}\n`);
  process.stdout.write(`listening on ${local.endpoint}\n`);
  // --cdk-out: what was loaded, and every resource or value that could not be mapped, by name.
  if (local.cdkOut)
    process.stdout.write(
      formatCdkOutReport(local.cdkOut)
        .map((l) => `${l}\n`)
        .join(''),
    );
}

/**
 * Registers `cpkit serve` on the program.
 *
 * @example
 * const program = new Command();
 * registerServeCommand(program);
 * await program.parseAsync(['node', 'cpkit', 'serve', '--port', '0']);
 */
export function registerServeCommand(program: Command): Command {
  return program
    .command('serve')
    .description('run the local CodePipeline + S3 artifact store on one port (127.0.0.1)')
    .option('--port <port>', 'port to listen on; 0 picks a free one', '4566')
    .option('--host <host>', 'interface to bind (other than loopback only when asked for)', '127.0.0.1')
    .option('--data-dir <dir>', 'where the database, artifacts and logs live', '.cpkit')
    .option(
      '--functions <file>',
      'JSON file: Lambda function name -> { bundle, handler, timeoutSeconds, memoryMB, environment }',
    )
    .option('--cdk-out <dir>', 'a synthesized cloud assembly (cdk.out) to load pipelines and functions from')
    .option('--region <region>', 'region of ARNs (default: AWS_REGION, else us-east-1)')
    .option('--verify-sigv4 <keyid:secret>', 'verify SigV4 signatures of API requests with this key pair')
    .option(
      '--s3-endpoint <url>',
      'keep pipeline artifacts in this S3-compatible endpoint instead of the embedded store',
    )
    .exitOverride((err: CommanderError) => {
      if (err.exitCode === 0) process.exit(0);
      process.exit(EXIT_BAD_USAGE);
    })
    .action((flags: ServeFlags) => serve(flags));
}
