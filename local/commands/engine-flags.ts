import type { Command } from 'commander';
import { parseSimulate } from '../engine/action-runners/simulated.js';
import { parseSourceDirs } from '../engine/action-runners/local-folder-source.js';
import { loadRulesFile, RulesFileError } from '../engine/events.js';
import { loadSubscriptionsFile, SubscriptionsFileError } from '../engine/subscriptions.js';
import type { EngineSettings } from '../engine/wiring.js';

/** The execution engine's flags of `cpkit serve`. */
export interface EngineFlags {
  rules?: string;
  subscriptions?: string;
  jobReplyTimeout?: string;
  customJobTimeout?: string;
  lambdaRetryDelays?: string;
  simulate?: string[];
  sourceDir?: string[];
  startOnCreate?: boolean;
}

/** An engine flag that cannot be used; the message names the flag and the problem. */
export class EngineFlagsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineFlagsError';
  }
}

/**
 * Adds the engine's flags to `cpkit serve`.
 *
 * @example
 * addEngineOptions(registerServeCommand(program));
 */
export function addEngineOptions(command: Command): Command {
  return command
    .option(
      '--rules <file>',
      'local EventBridge rules: {"rules":[{"name","eventPattern","targets":[{"function"}]}]}',
    )
    .option(
      '--job-reply-timeout <seconds>',
      'fail a Lambda action whose job gets no result within this (AWS: 1200)',
    )
    .option(
      '--custom-job-timeout <seconds>',
      'fail a custom or third-party action whose job gets no result within this (AWS: 3600)',
    )
    .option(
      '--lambda-retry-delays <ms,ms>',
      'delays before the 2 retries of a failed async invocation',
      '1000,2000',
    )
    .option(
      '--simulate <Provider=succeed|fail...>',
      'providers that cannot run locally: mark their actions as succeeded (or failed), simulated',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      '--source-dir <Provider[:ActionName]=DIR...>',
      'run source actions of a provider (GitHub, CodeCommit, CodeStarSourceConnection, ...) from a local folder',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--no-start-on-create', 'do not start an execution when a pipeline is created (AWS does)')
    .option(
      '--subscriptions <file>',
      'local SNS subscriptions (approval messages): {"subscriptions":[{"topic":"<arn or name>","function"}]}',
    );
}

/** A timeout flag in seconds (above 0, at most a day) as milliseconds; {@link EngineFlagsError} otherwise. */
function timeoutMs(flag: string, value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 86_400) {
    throw new EngineFlagsError(`${flag} must be a number of seconds from 0 to 86400, got '${value}'`);
  }
  return Math.round(seconds * 1000);
}

/**
 * Turns the engine flags into {@link EngineSettings}; throws {@link EngineFlagsError} for bad values.
 *
 * @example
 * engineSettingsFromFlags({ jobReplyTimeout: '30', simulate: ['CodeBuild=succeed'] });
 */
export function engineSettingsFromFlags(flags: EngineFlags): EngineSettings {
  const settings: { -readonly [K in keyof EngineSettings]: EngineSettings[K] } = {};
  if (flags.jobReplyTimeout !== undefined) {
    settings.jobReplyTimeoutMs = timeoutMs('--job-reply-timeout', flags.jobReplyTimeout);
  }
  if (flags.customJobTimeout !== undefined) {
    settings.customJobTimeoutMs = timeoutMs('--custom-job-timeout', flags.customJobTimeout);
  }
  if (flags.lambdaRetryDelays !== undefined) {
    const delays = flags.lambdaRetryDelays.split(',').map((v) => Number(v.trim()));
    if (delays.length !== 2 || delays.some((d) => !Number.isInteger(d) || d < 0 || d > 600_000)) {
      throw new EngineFlagsError(
        `--lambda-retry-delays must be two integers (ms) like 1000,2000, got '${flags.lambdaRetryDelays}'`,
      );
    }
    settings.lambdaRetryDelaysMs = delays;
  }
  if (flags.simulate?.length) {
    try {
      settings.simulate = parseSimulate(flags.simulate);
    } catch (err) {
      throw new EngineFlagsError((err as Error).message);
    }
  }
  if (flags.sourceDir?.length) {
    try {
      settings.sourceDirs = parseSourceDirs(flags.sourceDir);
    } catch (err) {
      throw new EngineFlagsError((err as Error).message);
    }
  }
  if (flags.rules !== undefined) {
    try {
      settings.rules = loadRulesFile(flags.rules);
    } catch (err) {
      if (err instanceof RulesFileError) throw new EngineFlagsError(err.message);
      throw err;
    }
  }
  if (flags.subscriptions !== undefined) {
    try {
      settings.subscriptions = loadSubscriptionsFile(flags.subscriptions);
    } catch (err) {
      if (err instanceof SubscriptionsFileError) throw new EngineFlagsError(`--${err.message}`);
      throw err;
    }
  }
  if (flags.startOnCreate === false) settings.startOnCreate = false;
  return settings;
}
