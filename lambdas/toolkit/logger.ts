import { Logger } from '@aws-lambda-powertools/logger';
import type { ConstructorOptions } from '@aws-lambda-powertools/logger/types';
import type { Job } from './types.js';

/**
 * What a redacted value is replaced with.
 * @example
 * ```ts
 * expect(logLine).toContain(REDACTED);
 * ```
 */
export const REDACTED = '[REDACTED]';

/**
 * Keys whose values never reach a log, compared case-insensitively: the model's sensitive shapes
 * (AWSSessionCredentials: accessKeyId, secretAccessKey, sessionToken), continuation tokens, approval
 * tokens (`token`), webhook secret tokens (`SecretToken`), client tokens, nonces, and HTTP auth headers.
 * @example
 * ```ts
 * SENSITIVE_KEYS.has('sessiontoken'); // true (keys are lower-case)
 * ```
 */
export const SENSITIVE_KEYS: ReadonlySet<string> = new Set(
  [
    'accessKeyId',
    'secretAccessKey',
    'sessionToken',
    'continuationToken',
    'token',
    'approvalToken',
    'SecretToken',
    'clientToken',
    'nonce',
    'authorization',
    'x-amz-security-token',
    'password',
  ].map((k) => k.toLowerCase()),
);

// Access key ids look like AKIA/ASIA + 16 upper-case letters or digits.
const ACCESS_KEY_ID_PATTERN = /\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{16}\b/g;
// A sensitive key inside text that is itself JSON (a handler logging JSON.stringify(event)): the
// value of `"key": "..."`, and of `\"key\": \"...\"` one level of encoding deeper.
const KEY_ALTERNATION = [...SENSITIVE_KEYS].map((k) => k.replace(/-/g, '\\-')).join('|');
const EMBEDDED_JSON_SECRET = new RegExp(`("(?:${KEY_ALTERNATION})"\\s*:\\s*")((?:[^"\\\\]|\\\\.)*)(")`, 'gi');
const DOUBLE_ENCODED_SECRET = new RegExp(
  `(\\\\"(?:${KEY_ALTERNATION})\\\\"\\s*:\\s*\\\\")((?:[^"\\\\]|\\\\\\\\|\\\\\\\\\\\\"|\\\\[^"\\\\])*?)(\\\\")`,
  'gi',
);

/**
 * The one redaction rule of the toolkit: keys from {@link SENSITIVE_KEYS} plus extra keys, known secret
 * values wherever they appear inside text, access key ids, and sensitive keys inside embedded JSON.
 *
 * @example
 * ```ts
 * const redactor = new Redactor({ extraKeys: ['ApiKey'] });
 * redactor.addSecretValues(['s3cr3t']);
 * JSON.stringify(event, redactor.replacer);
 * redactor.redactText('failed with s3cr3t'); // 'failed with [REDACTED]'
 * ```
 */
export class Redactor {
  private readonly keys: Set<string>;
  private readonly values = new Set<string>();

  public constructor(options: { extraKeys?: readonly string[] } = {}) {
    this.keys = new Set([...SENSITIVE_KEYS, ...(options.extraKeys ?? []).map((k) => k.toLowerCase())]);
  }

  /** Adds secret values that are replaced wherever they appear; values under 4 chars are ignored. */
  public addSecretValues(values: Iterable<string | undefined>): void {
    for (const value of values) {
      if (!value || value.length < 4) continue;
      // The value itself, and as it reads inside JSON text (once and twice encoded).
      const once = JSON.stringify(value).slice(1, -1);
      for (const form of [value, once, JSON.stringify(once).slice(1, -1)]) this.values.add(form);
    }
  }

  /** Adds keys whose values are redacted (case-insensitive). */
  public addKeys(keys: Iterable<string>): void {
    for (const key of keys) this.keys.add(key.toLowerCase());
  }

  /** Redacts known secret values, access key ids and embedded JSON secrets inside a string. */
  public redactText(text: string): string {
    let out = text;
    // Longest first, so a value that contains another is removed whole.
    for (const value of [...this.values].sort((a, b) => b.length - a.length)) {
      if (out.includes(value)) out = out.split(value).join(REDACTED);
    }
    const keepKey = (_m: string, open: string, _v: string, close: string) => `${open}${REDACTED}${close}`;
    out = out.replace(EMBEDDED_JSON_SECRET, keepKey).replace(DOUBLE_ENCODED_SECRET, keepKey);
    return out.replace(ACCESS_KEY_ID_PATTERN, REDACTED);
  }

  /** A `JSON.stringify` replacer applying this redaction (the Logger's `jsonReplacerFn`). */
  public readonly replacer = (key: string, value: unknown): unknown => {
    if (key && this.keys.has(key.toLowerCase()) && value !== undefined && value !== null) {
      return typeof value === 'object' ? value : REDACTED;
    }
    return typeof value === 'string' ? this.redactText(value) : value;
  };
}

/**
 * The secret values a job carries: artifact credentials, the continuation token, and configuration
 * values under keys an action type marks secret.
 *
 * @internal
 */
export function jobSecretValues(
  job: Job<unknown>,
  secretConfigurationKeys: readonly string[] = [],
): string[] {
  const c = job.artifactCredentials;
  return [
    c?.accessKeyId,
    c?.secretAccessKey,
    c?.sessionToken,
    job.continuationToken,
    ...secretConfigurationKeys.map((k) => job.configuration[k]),
  ].filter((v): v is string => typeof v === 'string');
}

/**
 * Options of {@link createJobLogger}.
 * @example
 * ```ts
 * createJobLogger({ job, secretConfigurationKeys: ['ApiToken'], loggerOptions: { serviceName: 'deploy' } });
 * ```
 */
export interface JobLoggerOptions {
  /** The job whose id (and pipeline coordinates, when known) every line carries and whose secrets are redacted. */
  readonly job?: Job<unknown>;
  /**
   * Configuration keys that the action type marks `secret`; their values are redacted everywhere.
   * @default - none
   */
  readonly secretConfigurationKeys?: readonly string[];
  /**
   * The redactor to use (shared with a JobRun so failure messages are redacted the same way).
   * @default - a new one
   */
  readonly redactor?: Redactor;
  /**
   * Powertools Logger options (`serviceName`, `logLevel`, ...); `jsonReplacerFn` is wrapped, not replaced.
   * @default - Powertools defaults and environment variables
   */
  readonly loggerOptions?: ConstructorOptions;
}

/**
 * A Powertools Logger that stamps each line with the job's context (`job_id`, and `pipeline_name`,
 * `stage_name`, `action_name`, `pipeline_execution_id` when known) and never prints secrets, even when a
 * handler logs the whole event.
 *
 * @example
 * ```ts
 * const logger = createJobLogger({ job, loggerOptions: { serviceName: 'deploy-check' } });
 * logger.info('received', { event }); // credentials and tokens print as [REDACTED]
 * ```
 */
export function createJobLogger(options: JobLoggerOptions = {}): Logger {
  const redactor = options.redactor ?? new Redactor();
  const secretKeys = options.secretConfigurationKeys ?? [];
  redactor.addKeys(secretKeys);
  if (options.job) redactor.addSecretValues(jobSecretValues(options.job, secretKeys));
  const userReplacer = options.loggerOptions?.jsonReplacerFn;
  const logger = new Logger({
    ...options.loggerOptions,
    jsonReplacerFn: (key: string, value: unknown) =>
      redactor.replacer(key, userReplacer ? userReplacer(key, value) : value),
  });
  if (options.job) logger.appendPersistentKeys(jobContextKeys(options.job));
  return logger;
}

/** @internal */
export function jobContextKeys(job: Job<unknown>): Record<string, string> {
  const p = job.pipelineContext;
  const keys: Record<string, string | undefined> = {
    job_id: job.id,
    pipeline_name: p?.pipelineName,
    stage_name: p?.stage?.name,
    action_name: p?.action?.name,
    pipeline_execution_id: p?.pipelineExecutionId,
  };
  return Object.fromEntries(Object.entries(keys).filter((e): e is [string, string] => e[1] !== undefined));
}
