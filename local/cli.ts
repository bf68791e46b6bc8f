import { Command } from 'commander';
import { registerServeCommand } from './commands/serve.js';
import { registerWorkerCommand } from './commands/worker.js';
import { packageVersion } from './package-root.js';

/**
 * The `cpkit` command line. Each subcommand lives in its own module under local/commands/
 * and registers itself here.
 */
export function createProgram(): Command {
  const program = new Command();
  program
    .name('cpkit')
    .description('codepipeline-kit: run AWS CodePipeline pipelines, jobs and approvals locally')
    .version(packageVersion(), '-v, --version', 'print the version')
    .showHelpAfterError();
  registerServeCommand(program);
  registerWorkerCommand(program);
  return program;
}

await createProgram().parseAsync(process.argv);
