import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalFunction } from '../functions-file.js';
import type { AssemblyStack, CfnResource } from './assembly.js';
import { UnresolvableError, type IntrinsicResolver } from './intrinsics.js';

const HANDLER = /^(?<file>[\w./-]+)\.(?<export>[A-Za-z_$][\w$]*)$/;
const EXTENSIONS = ['.mjs', '.js', '.cjs'];

/** The staged asset directory of a function's code, from the resource metadata or the asset manifest. */
function assetDirectory(stack: AssemblyStack, resource: CfnResource): string | undefined {
  const metaPath = resource.Metadata?.['aws:asset:path'];
  if (typeof metaPath === 'string') return join(stack.assemblyDir, metaPath);
  const key = (resource.Properties?.Code as { S3Key?: unknown } | undefined)?.S3Key;
  if (typeof key !== 'string') return undefined;
  return stack.assetPaths.get(key.replace(/\.zip$/, ''));
}

/**
 * Maps one `AWS::Lambda::Function` to a local function: Node.js runtimes only; the handler `file.export` is
 * looked up in the staged asset directory (`file.mjs`, `.js`, `.cjs`); `Timeout` and `MemorySize` with Lambda's
 * defaults; each environment variable resolved, or left out with a warning naming it.
 *
 * @example
 * const fn = functionFromResource({ stack, logicalId, resource, resolver, secretFile, warn: console.warn });
 */
export function functionFromResource(args: {
  stack: AssemblyStack;
  logicalId: string;
  resource: CfnResource;
  resolver: IntrinsicResolver;
  secretFile: (stack: AssemblyStack, logicalId: string, resource: CfnResource) => string;
  warn: (message: string) => void;
}): LocalFunction | undefined {
  const { stack, logicalId, resource, resolver } = args;
  const props = resource.Properties ?? {};
  const name = resolver.identity(stack, logicalId)?.name ?? logicalId;
  const where = `${stack.id}/${logicalId} (AWS::Lambda::Function ${name})`;
  const warn = (m: string) => args.warn(`${where}: ${m}`);
  const runtime = typeof props.Runtime === 'string' ? props.Runtime : '';
  if (!runtime.startsWith('nodejs')) {
    warn(
      `runtime '${runtime || 'none (container image?)'}' is not emulated (Node.js runtimes only): not loaded`,
    );
    return undefined;
  }
  const handlerMatch = HANDLER.exec(typeof props.Handler === 'string' ? props.Handler : '');
  if (!handlerMatch?.groups) {
    warn(`handler '${String(props.Handler)}' is not file.export: not loaded`);
    return undefined;
  }
  if ((props.Code as { ZipFile?: unknown } | undefined)?.ZipFile !== undefined) {
    warn('inline code (Code.ZipFile) is not emulated: not loaded');
    return undefined;
  }
  const dir = assetDirectory(stack, resource);
  if (!dir || !existsSync(dir) || !statSync(dir).isDirectory()) {
    warn(`its code asset was not found in the assembly${dir ? ` (${dir})` : ''}: not loaded`);
    return undefined;
  }
  const bundle = EXTENSIONS.map((ext) => join(dir, handlerMatch.groups!.file + ext)).find((p) =>
    existsSync(p),
  );
  if (!bundle) {
    warn(`no ${handlerMatch.groups.file}.mjs/.js/.cjs in its asset ${dir}: not loaded`);
    return undefined;
  }
  const environment: Record<string, string> = {};
  const variables = ((props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
    {}) as Record<string, unknown>;
  for (const [key, raw] of Object.entries(variables)) {
    const secret = secretReference(stack, raw);
    if (secret && key.endsWith('_ARN')) {
      environment[`${key.slice(0, -4)}_FILE`] = args.secretFile(
        stack,
        secret,
        stack.template.Resources![secret],
      );
      continue;
    }
    try {
      environment[key] = resolver.resolveString(stack, raw);
    } catch (err) {
      if (!(err instanceof UnresolvableError)) throw err;
      warn(`environment variable ${key} is not set locally: ${err.message}`);
    }
  }
  const number = (v: unknown, fallback: number, min: number, max: number) => {
    const n = typeof v === 'number' ? v : Number(v ?? fallback);
    return Number.isInteger(n) ? Math.min(max, Math.max(min, n)) : fallback;
  };
  return {
    name,
    bundle,
    handler: handlerMatch.groups.export,
    timeoutSeconds: number(props.Timeout, 3, 1, 900),
    memoryMB: number(props.MemorySize, 128, 128, 10240),
    environment,
  };
}

/** The logical id of a Secrets Manager secret `raw` refers to (`{Ref: Secret}`), if it does. */
function secretReference(stack: AssemblyStack, raw: unknown): string | undefined {
  const ref = (raw as { Ref?: unknown } | null)?.Ref;
  if (typeof ref !== 'string') return undefined;
  return stack.template.Resources?.[ref]?.Type === 'AWS::SecretsManager::Secret' ? ref : undefined;
}
