import { safeParse, type $ZodType, type output } from 'zod/v4/core';
import { CodePipelineKitError } from './errors.js';
import { describeZodIssues } from './zod-issues.js';

/**
 * One configuration property of a custom action type, as declared for CreateCustomActionType (and the same
 * shape as the CDK `CustomActionType` construct's `properties`), so one `as const` declaration serves both.
 */
export interface ConfigurationPropertyDeclaration {
  readonly name: string;
  readonly required: boolean;
  /** @default 'String' */
  readonly type?: 'String' | 'Number' | 'Boolean';
  /** Secret values are redacted from every log line and never quoted in an error. @default false */
  readonly secret?: boolean;
  /** Informational here (the action type declares it). @default false */
  readonly key?: boolean;
  /** Informational here; a worker filters on it with `queryParam`. @default false */
  readonly queryable?: boolean;
  /** @default - none */
  readonly description?: string;
}

/**
 * How a worker reads its job's configuration: a zod 4 schema applied to the configuration object (all
 * values are strings on the wire, so use `z.coerce` for numbers), or the action type's property
 * declarations (typed as `String` -> string, `Number` -> number, `Boolean` -> boolean).
 */
export type ConfigurationSpec = $ZodType | readonly ConfigurationPropertyDeclaration[];

type ValueOf<P extends ConfigurationPropertyDeclaration> = P['type'] extends 'Number'
  ? number
  : P['type'] extends 'Boolean'
    ? boolean
    : string;

type FromDeclarations<D extends readonly ConfigurationPropertyDeclaration[]> = {
  readonly [P in D[number] as P['required'] extends true ? P['name'] : never]: ValueOf<P>;
} & {
  readonly [P in D[number] as P['required'] extends true ? never : P['name']]?: ValueOf<P>;
};

/** The typed configuration a {@link ConfigurationSpec} yields (the raw string map without a spec). */
export type ConfigurationOf<TSpec> = TSpec extends $ZodType
  ? output<TSpec>
  : TSpec extends readonly ConfigurationPropertyDeclaration[]
    ? FromDeclarations<TSpec>
    : Readonly<Record<string, string>>;

/**
 * The job's configuration does not match what the worker declared; the job fails with
 * `ConfigurationError`. The message names each property and never quotes a value.
 *
 * @example
 * ```ts
 * if (err instanceof JobConfigurationError) console.log(err.message); // "configuration.Threshold: expected a number"
 * ```
 */
export class JobConfigurationError extends CodePipelineKitError {
  public constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, failureType: 'ConfigurationError' });
    this.name = 'JobConfigurationError';
  }
}

/**
 * Names of the properties a spec marks secret (only declarations can say so).
 * @internal
 */
export function secretPropertyNames(spec: ConfigurationSpec | undefined): string[] {
  return Array.isArray(spec)
    ? (spec as readonly ConfigurationPropertyDeclaration[]).filter((p) => p.secret).map((p) => p.name)
    : [];
}

/**
 * Reads a job's configuration through the worker's spec.
 * @throws JobConfigurationError naming each missing or mistyped property.
 * @internal
 */
export function parseConfiguration<TSpec extends ConfigurationSpec | undefined>(
  spec: TSpec,
  configuration: Readonly<Record<string, string>>,
): ConfigurationOf<TSpec> {
  if (spec === undefined) return configuration as ConfigurationOf<TSpec>;
  if (Array.isArray(spec)) return fromDeclarations(spec, configuration) as ConfigurationOf<TSpec>;
  const result = safeParse(spec as $ZodType, configuration);
  if (!result.success) {
    throw new JobConfigurationError(
      `invalid action configuration: ${describeZodIssues(result.error.issues, configuration, 'configuration')}`,
      { cause: result.error },
    );
  }
  return result.data as ConfigurationOf<TSpec>;
}

function fromDeclarations(
  declarations: readonly ConfigurationPropertyDeclaration[],
  configuration: Readonly<Record<string, string>>,
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  const problems: string[] = [];
  for (const p of declarations) {
    const raw = configuration[p.name];
    if (raw === undefined || raw === '') {
      if (p.required) problems.push(`configuration.${p.name}: required`);
      continue;
    }
    const type = p.type ?? 'String';
    if (type === 'Number') {
      const n = Number(raw.trim());
      if (raw.trim() === '' || !Number.isFinite(n))
        problems.push(`configuration.${p.name}: expected a number`);
      else out[p.name] = n;
    } else if (type === 'Boolean') {
      const v = raw.trim().toLowerCase();
      if (v !== 'true' && v !== 'false') problems.push(`configuration.${p.name}: expected true or false`);
      else out[p.name] = v === 'true';
    } else {
      out[p.name] = raw;
    }
  }
  if (problems.length)
    throw new JobConfigurationError(`invalid action configuration: ${problems.join('; ')}`);
  return out;
}
