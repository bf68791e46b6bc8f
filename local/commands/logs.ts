import type { Command } from 'commander';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

interface LogsFlags {
  dataDir: string;
  follow?: boolean;
}

function logs(name: string, flags: LogsFlags): void {
  const dir = resolve(flags.dataDir, 'logs');
  const file = join(dir, `${name}.log`);
  if (!existsSync(file)) {
    const known = existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.log'))
          .map((f) => f.slice(0, -4))
      : [];
    process.stderr.write(
      `cpkit logs: no log for function "${name}" in ${dir}` +
        (known.length ? ` (logs exist for: ${known.join(', ')})\n` : ' (no function has run yet)\n'),
    );
    process.exitCode = 1;
    return;
  }
  let offset = 0;
  const print = () => {
    const size = statSync(file).size;
    if (size > offset) {
      process.stdout.write(readFileSync(file).subarray(offset, size));
      offset = size;
    }
  };
  print();
  if (flags.follow) setInterval(print, 500);
}

/**
 * Registers `cpkit logs <function> [--data-dir DIR] [--follow]`: prints the function's invocation log
 * (START/END/REPORT lines with cold-start Init Duration, and its console output).
 *
 * @example
 * registerLogsCommand(program); // cpkit logs my-fn --data-dir .cpkit
 */
export function registerLogsCommand(program: Command): Command {
  return program
    .command('logs <function>')
    .description("print a function's invocation log from the engine's data dir")
    .option('--data-dir <dir>', 'the data dir of cpkit serve', '.cpkit')
    .option('-f, --follow', 'keep printing new lines')
    .action((name: string, flags: LogsFlags) => logs(name, flags));
}
