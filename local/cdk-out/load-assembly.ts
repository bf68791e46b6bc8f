import type { CreateCustomActionTypeInput } from '@aws-sdk/client-codepipeline';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validatePattern } from '../engine/event-pattern.js';
import type { LocalRule } from '../engine/events.js';
import type { LocalSubscription } from '../engine/subscriptions.js';
import type { LocalFunction } from '../functions-file.js';
import { readCloudAssembly, type AssemblyStack, type CfnResource } from './assembly.js';
import { convertPipeline, type ConvertedPipeline } from './convert-pipeline.js';
import { IntrinsicResolver, UnresolvableError } from './intrinsics.js';
import { functionFromResource } from './lambda-function.js';

/** What a cloud assembly defines, mapped to the local engine (see {@link loadCloudAssembly}). */
export interface LoadedAssembly {
  readonly functions: LocalFunction[];
  readonly pipelines: (ConvertedPipeline & { readonly source: string })[];
  readonly customActionTypes: CreateCustomActionTypeInput[];
  readonly rules: LocalRule[];
  readonly subscriptions: LocalSubscription[];
  readonly buckets: { readonly name: string; readonly versioned: boolean }[];
  /** Resources or values that could not be mapped, each naming the resource and the reason. */
  readonly warnings: string[];
  /** Resources that need nothing locally (IAM is not enforced, logs go to the data dir, ...), by type. */
  readonly withoutLocalEffect: Record<string, number>;
}

/** Types that need nothing locally. */
const NO_LOCAL_EFFECT = new Set([
  'AWS::IAM::Role',
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::Lambda::Permission',
  'AWS::Logs::LogGroup',
  'AWS::S3::BucketPolicy',
  'AWS::SNS::TopicPolicy',
  'AWS::KMS::Key',
  'AWS::KMS::Alias',
  'AWS::CDK::Metadata',
  'AWS::SNS::Topic', // topics exist implicitly: the engine publishes to the ARN, subscriptions are wired
  'AWS::Lambda::Url', // served under /_cpkit/functions/<name>/ for every function
  'AWS::SecretsManager::Secret', // a local secret file, given to the functions that reference it
]);

/**
 * Maps a synthesized cloud assembly to the local engine: every `AWS::CodePipeline::Pipeline` (a CreatePipeline
 * input), `AWS::Lambda::Function` with a staged asset (a local function: runtime checked, handler file from
 * the asset, timeout, memory, environment), `AWS::CodePipeline::CustomActionType`, `AWS::Events::Rule` with
 * Lambda targets (local rules), `AWS::SNS::Subscription` with the lambda protocol (local subscriptions) and
 * `AWS::S3::Bucket`. Names follow local/cdk-out/physical-names.ts. Everything else, and every value that
 * cannot be computed locally, is listed in `warnings` by name. Secrets Manager secrets referenced by an
 * environment variable `X_ARN` become a generated secret file under `<dataDir>/cdk-out-secrets/`, passed as
 * `X_FILE` (kept across restarts, mode 0600).
 *
 * @example
 * const loaded = loadCloudAssembly('cdk.out', { region: 'us-east-1', accountId: '000000000000', dataDir: '.cpkit' });
 * loaded.warnings.forEach((w) => console.log(`warning: ${w}`));
 */
export function loadCloudAssembly(
  dir: string,
  env: { region: string; accountId: string; dataDir: string },
): LoadedAssembly {
  const stacks = readCloudAssembly(dir);
  const resolver = new IntrinsicResolver(stacks, env);
  const out: LoadedAssembly = {
    functions: [],
    pipelines: [],
    customActionTypes: [],
    rules: [],
    subscriptions: [],
    buckets: [],
    warnings: [],
    withoutLocalEffect: {},
  };
  const secretFile = (stack: AssemblyStack, logicalId: string, resource: CfnResource) =>
    localSecretFile(env.dataDir, stack, logicalId, resource);
  // Functions first: rules and subscriptions check their targets against them.
  for (const stack of stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const fn = functionFromResource({
        stack,
        logicalId,
        resource,
        resolver,
        secretFile,
        warn: (w) => out.warnings.push(w),
      });
      if (fn) out.functions.push(fn);
    }
  }
  const functionNames = new Set(out.functions.map((f) => f.name));
  for (const stack of stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      const where = `${stack.id}/${logicalId} (${resource.Type})`;
      const warn = (message: string) => out.warnings.push(`${where}: ${message}`);
      try {
        if (resource.Condition)
          warn(`has Condition ${resource.Condition}; conditions are not evaluated, created anyway`);
        mapResource({ stack, logicalId, resource, resolver, out, functionNames, warn });
      } catch (err) {
        if (!(err instanceof UnresolvableError)) throw err;
        warn(`not loaded: ${err.message}`);
      }
    }
  }
  return out;
}

function mapResource(args: {
  stack: AssemblyStack;
  logicalId: string;
  resource: CfnResource;
  resolver: IntrinsicResolver;
  out: LoadedAssembly;
  functionNames: ReadonlySet<string>;
  warn: (message: string) => void;
}): void {
  const { stack, logicalId, resource, resolver, out, functionNames, warn } = args;
  const props = resource.Properties ?? {};
  const name = () => resolver.identity(stack, logicalId)?.name ?? logicalId;
  const functionOf = (arn: string): string | undefined => {
    const fn = /^arn:aws[a-z-]*:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(arn)?.[1];
    return fn && functionNames.has(fn) ? fn : undefined;
  };
  switch (resource.Type) {
    case 'AWS::Lambda::Function':
      return; // mapped above
    case 'AWS::CodePipeline::Pipeline': {
      const resolved = resolver.resolve(stack, props) as Record<string, unknown>;
      const converted = convertPipeline(name(), resolved);
      for (const i of converted.ignored) warn(i);
      out.pipelines.push({ ...converted, source: `${stack.id}/${logicalId}` });
      return;
    }
    case 'AWS::CodePipeline::CustomActionType': {
      const resolved = resolver.resolve(stack, props) as Record<string, unknown>;
      out.customActionTypes.push(apiShape(resolved) as CreateCustomActionTypeInput);
      return;
    }
    case 'AWS::S3::Bucket': {
      const versioning = (props.VersioningConfiguration as { Status?: string } | undefined)?.Status;
      out.buckets.push({ name: name(), versioned: versioning === 'Enabled' });
      return;
    }
    case 'AWS::Events::Rule': {
      if (props.State === 'DISABLED') return warn('rule is DISABLED: not wired');
      if (props.ScheduleExpression !== undefined) return warn('scheduled rules are not emulated locally');
      if (props.EventBusName !== undefined && props.EventBusName !== 'default') {
        return warn('rules on a custom event bus are not emulated (the engine publishes to the default bus)');
      }
      const eventPattern = resolver.resolve(stack, props.EventPattern) as Record<string, unknown>;
      validatePattern(eventPattern);
      const targets: { function: string }[] = [];
      for (const target of (props.Targets as { Arn: unknown; Id?: string }[] | undefined) ?? []) {
        let arn: string;
        try {
          arn = resolver.resolveString(stack, target.Arn);
        } catch (err) {
          warn(`target ${target.Id ?? '?'} not wired: ${(err as Error).message}`);
          continue;
        }
        const fn = functionOf(arn);
        if (fn) targets.push({ function: fn });
        else warn(`target ${target.Id ?? '?'} (${arn}) is not a function loaded locally: not wired`);
      }
      if (targets.length) out.rules.push({ name: name(), eventPattern, targets });
      return;
    }
    case 'AWS::SNS::Subscription': {
      const topic = resolver.resolveString(stack, props.TopicArn);
      return subscribe(topic, props.Protocol, props.Endpoint);
    }
    case 'AWS::SNS::Topic': {
      const topic = resolver.identity(stack, logicalId)?.ref;
      for (const s of (props.Subscription as { Protocol: unknown; Endpoint: unknown }[] | undefined) ?? []) {
        if (topic) subscribe(topic, s.Protocol, s.Endpoint);
      }
      out.withoutLocalEffect[resource.Type] = (out.withoutLocalEffect[resource.Type] ?? 0) + 1;
      return;
    }
    default:
      if (NO_LOCAL_EFFECT.has(resource.Type)) {
        out.withoutLocalEffect[resource.Type] = (out.withoutLocalEffect[resource.Type] ?? 0) + 1;
        return;
      }
      return warn('this resource type is not emulated locally');
  }

  function subscribe(topic: string, protocol: unknown, endpoint: unknown): void {
    if (protocol !== 'lambda') return warn(`protocol ${String(protocol)} is not emulated (only lambda)`);
    const arn = resolver.resolveString(stack, endpoint);
    const fn = functionOf(arn);
    if (!fn) return warn(`endpoint ${arn} is not a function loaded locally: not subscribed`);
    out.subscriptions.push({ topic, function: fn });
  }
}

function apiShape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(apiShape);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [
      k.charAt(0).toLowerCase() + k.slice(1),
      apiShape(v),
    ]),
  );
}

/**
 * The local file holding a Secrets Manager secret of the assembly: its `SecretString`, else a value generated
 * once (`GenerateSecretString.PasswordLength`, default 32) and kept across restarts.
 */
function localSecretFile(
  dataDir: string,
  stack: AssemblyStack,
  logicalId: string,
  resource: CfnResource,
): string {
  const dir = join(dataDir, 'cdk-out-secrets');
  const file = join(dir, `${stack.id}.${logicalId}`);
  if (existsSync(file) && readFileSync(file, 'utf8').length > 0) return file;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const props = resource.Properties ?? {};
  const given = typeof props.SecretString === 'string' ? props.SecretString : undefined;
  const length = Number(
    (props.GenerateSecretString as { PasswordLength?: number } | undefined)?.PasswordLength ?? 32,
  );
  const value =
    given ??
    randomBytes(Math.max(length, 32))
      .toString('base64url')
      .replace(/[-_]/g, 'x')
      .slice(0, Math.max(length, 32));
  writeFileSync(file, value, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}
