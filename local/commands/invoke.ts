import type { Command } from 'commander';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { LambdaRuntime } from '../engine/lambda-runtime.js';
import { FunctionsFileError, loadFunctionsFile, resolveFunctionName } from '../functions-file.js';
import { DEFAULT_ENDPOINT } from './client.js';

interface InvokeFlags {
  event: string;
  functions: string;
  endpoint: string;
  dataDir: string;
  region?: string;
}

async function invoke(name: string, flags: InvokeFlags): Promise<void> {
  let runtime: LambdaRuntime | undefined;
  try {
    const functions = loadFunctionsFile(flags.functions);
    const fn = resolveFunctionName(functions, name);
    if (!fn)
      throw new FunctionsFileError(
        `function "${name}" is not in ${flags.functions} (defined: ${functions.map((f) => f.name).join(', ') || 'none'})`,
      );
    const eventPath = resolve(flags.event);
    if (!existsSync(eventPath)) throw new FunctionsFileError(`--event: file not found: ${eventPath}`);
    let event: unknown;
    try {
      event = JSON.parse(readFileSync(eventPath, 'utf8'));
    } catch (err) {
      throw new FunctionsFileError(`--event: ${eventPath} is not valid JSON: ${(err as Error).message}`);
    }
    runtime = new LambdaRuntime({
      logDir: resolve(flags.dataDir, 'logs'),
      region: flags.region ?? process.env.AWS_REGION ?? 'us-east-1',
      accountId: '000000000000',
      endpoint: () => flags.endpoint,
    });
    const logFile = runtime.logFile(fn.name);
    const before = existsSync(logFile) ? statSync(logFile).size : 0;
    const result = await runtime.invoke(fn, event);
    process.stderr.write(readFileSync(logFile).subarray(before).toString('utf8'));
    if (result.ok) {
      process.stdout.write(JSON.stringify(result.value ?? null) + '\n');
    } else {
      process.stdout.write(JSON.stringify(result.error) + '\n');
      process.exitCode = 1;
    }
  } catch (err) {
    process.stderr.write(`cpkit invoke: ${(err as Error).message}\n`);
    process.exitCode = err instanceof FunctionsFileError ? 2 : 1;
  } finally {
    await runtime?.close();
  }
}

/**
 * Registers `cpkit invoke <function> --event FILE --functions FILE` (like `sam local invoke`): runs the function
 * once in the local Lambda runtime, prints its result (or error) as JSON on stdout and its log on stderr.
 *
 * @example
 * registerInvokeCommand(program); // cpkit invoke my-fn --event event.json --functions functions.json
 */
export function registerInvokeCommand(program: Command): Command {
  return program
    .command('invoke <function>')
    .description('invoke a function of a --functions file once with an event (like sam local invoke)')
    .requiredOption('--event <file>', 'JSON event to invoke the function with')
    .requiredOption('--functions <file>', 'the functions file (same format as cpkit serve --functions)')
    .option('--endpoint <url>', 'AWS_ENDPOINT_URL given to the function', DEFAULT_ENDPOINT)
    .option('--data-dir <dir>', 'the function log goes to <dir>/logs/<function>.log', '.cpkit')
    .option('--region <region>', 'AWS_REGION given to the function (default: AWS_REGION, else us-east-1)')
    .action((name: string, flags: InvokeFlags) => invoke(name, flags));
}
