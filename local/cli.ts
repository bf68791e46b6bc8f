import { Command } from 'commander';
import { addEngineOptions } from './commands/engine-flags.js';
import { registerInvokeCommand } from './commands/invoke.js';
import { registerLogsCommand } from './commands/logs.js';
import { registerRunCommand } from './commands/run.js';
import { registerServeCommand } from './commands/serve.js';
import { registerStateCommand } from './commands/state.js';
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
  addEngineOptions(registerServeCommand(program));
  registerRunCommand(program);
  registerStateCommand(program);
  registerInvokeCommand(program);
  registerLogsCommand(program);
  registerWorkerCommand(program);
  return program;
}

await createProgram().parseAsync(process.argv);
