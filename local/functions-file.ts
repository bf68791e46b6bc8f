import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';

/** One Lambda function the local runtime can invoke (design.md, "--functions FILE"). */
export interface LocalFunction {
  /** Function name; pipelines match it by name, by full ARN (last segment) or as `name:alias`. */
  readonly name: string;
  /** Absolute path of the bundle (.mjs, .js or .cjs). */
  readonly bundle: string;
  /** Name of the exported handler function. @default 'handler' */
  readonly handler: string;
  /** @default 3 (Lambda's default) */
  readonly timeoutSeconds: number;
  /** @default 128 (Lambda's default) */
  readonly memoryMB: number;
  /** Applied over the engine's own variables. */
  readonly environment: Readonly<Record<string, string>>;
}

/** A functions file or cloud assembly that cannot be used; the message says what and where. */
export class FunctionsFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FunctionsFileError';
  }
}

const NAME = /^[a-zA-Z0-9-_]{1,64}$/;
const KNOWN_KEYS = new Set(['bundle', 'handler', 'timeoutSeconds', 'memoryMB', 'environment']);

/** Reads and validates a `--functions` file. Paths in it are relative to the file's directory. */
export function loadFunctionsFile(file: string): LocalFunction[] {
  const path = resolve(file);
  if (!existsSync(path)) throw new FunctionsFileError(`--functions: file not found: ${path}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new FunctionsFileError(`--functions: ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return parseFunctionDefinitions(raw, dirname(path), path);
}

/** Validates the functions object (name -> definition) and resolves bundle paths against `baseDir`. */
export function parseFunctionDefinitions(
  raw: unknown,
  baseDir: string,
  source = 'functions',
): LocalFunction[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new FunctionsFileError(`${source}: expected a JSON object from function name to definition`);
  }
  const out: LocalFunction[] = [];
  for (const [name, def] of Object.entries(raw as Record<string, unknown>)) {
    const where = `${source}: function "${name}"`;
    if (!NAME.test(name)) throw new FunctionsFileError(`${where}: name must match [a-zA-Z0-9-_]{1,64}`);
    if (typeof def !== 'object' || def === null || Array.isArray(def)) {
      throw new FunctionsFileError(`${where}: definition must be an object with at least "bundle"`);
    }
    const d = def as Record<string, unknown>;
    for (const key of Object.keys(d)) {
      if (!KNOWN_KEYS.has(key)) {
        throw new FunctionsFileError(
          `${where}: unknown key "${key}" (allowed: ${[...KNOWN_KEYS].join(', ')})`,
        );
      }
    }
    if (typeof d.bundle !== 'string' || d.bundle === '')
      throw new FunctionsFileError(`${where}: "bundle" must be a path`);
    const bundle = isAbsolute(d.bundle) ? d.bundle : resolve(baseDir, d.bundle);
    if (!['.mjs', '.js', '.cjs'].includes(extname(bundle))) {
      throw new FunctionsFileError(`${where}: bundle must be a .mjs, .js or .cjs file: ${bundle}`);
    }
    if (!existsSync(bundle) || !statSync(bundle).isFile())
      throw new FunctionsFileError(`${where}: bundle not found: ${bundle}`);
    const handler = d.handler ?? 'handler';
    if (typeof handler !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(handler)) {
      throw new FunctionsFileError(`${where}: "handler" must be the name of an exported function`);
    }
    const timeoutSeconds = d.timeoutSeconds ?? 3;
    if (
      typeof timeoutSeconds !== 'number' ||
      !Number.isInteger(timeoutSeconds) ||
      timeoutSeconds < 1 ||
      timeoutSeconds > 900
    ) {
      throw new FunctionsFileError(`${where}: "timeoutSeconds" must be an integer from 1 to 900`);
    }
    const memoryMB = d.memoryMB ?? 128;
    if (typeof memoryMB !== 'number' || !Number.isInteger(memoryMB) || memoryMB < 128 || memoryMB > 10240) {
      throw new FunctionsFileError(`${where}: "memoryMB" must be an integer from 128 to 10240`);
    }
    const env = d.environment ?? {};
    if (typeof env !== 'object' || env === null || Array.isArray(env)) {
      throw new FunctionsFileError(`${where}: "environment" must be an object of strings`);
    }
    for (const [k, v] of Object.entries(env)) {
      if (typeof v !== 'string')
        throw new FunctionsFileError(`${where}: environment variable "${k}" must be a string`);
    }
    out.push({ name, bundle, handler, timeoutSeconds, memoryMB, environment: env as Record<string, string> });
  }
  return out;
}

/** Finds a function by the `FunctionName` of an Invoke action: name, full ARN, or `name:alias`. */
export function resolveFunctionName(
  functions: readonly LocalFunction[],
  functionName: string,
): LocalFunction | undefined {
  let name = functionName;
  if (name.startsWith('arn:')) {
    // arn:aws:lambda:region:account:function:name[:alias]
    const parts = name.split(':');
    name = parts[6] ?? '';
  } else if (name.includes(':')) {
    name = name.split(':')[0];
  }
  return functions.find((f) => f.name === name);
}
