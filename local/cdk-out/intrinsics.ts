import type { AssemblyStack } from './assembly.js';
import { resourceIdentity, type ResourceIdentity } from './physical-names.js';

/** A value the loader cannot compute locally; the message says which reference and why. */
export class UnresolvableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnresolvableError';
  }
}

/** Resolves CloudFormation intrinsics of all stacks of an assembly to local values. */
export class IntrinsicResolver {
  private readonly identities = new Map<string, ResourceIdentity | null>();
  private readonly exports = new Map<string, { stack: AssemblyStack; value: unknown }>();
  private readonly resolving = new Set<string>();

  constructor(
    private readonly stacks: readonly AssemblyStack[],
    private readonly env: { region: string; accountId: string },
  ) {
    for (const stack of stacks) {
      for (const output of Object.values(stack.template.Outputs ?? {})) {
        const name = output.Export?.Name;
        if (typeof name === 'string') this.exports.set(name, { stack, value: output.Value });
      }
    }
  }

  /** Ref/GetAtt values of a resource, or undefined for a type the loader cannot address. */
  identity(stack: AssemblyStack, logicalId: string): ResourceIdentity | undefined {
    const key = `${stack.id}/${logicalId}`;
    if (this.identities.has(key)) return this.identities.get(key) ?? undefined;
    const resource = stack.template.Resources?.[logicalId];
    if (!resource) return undefined;
    if (this.resolving.has(key)) throw new UnresolvableError(`circular reference at ${logicalId}`);
    this.resolving.add(key);
    try {
      const identity = resourceIdentity({
        type: resource.Type,
        logicalId,
        region: this.env.region,
        accountId: this.env.accountId,
        prop: (name) => {
          const raw = resource.Properties?.[name];
          if (raw === undefined) return undefined;
          try {
            const v = this.resolve(stack, raw);
            return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
          } catch {
            return undefined;
          }
        },
      });
      this.identities.set(key, identity ?? null);
      return identity;
    } finally {
      this.resolving.delete(key);
    }
  }

  /** Resolves every intrinsic inside `value` (deeply); throws {@link UnresolvableError}. */
  resolve(stack: AssemblyStack, value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(stack, v));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [fn, arg] = entries[0];
      if (fn === 'Ref') return this.ref(stack, String(arg));
      if (fn.startsWith('Fn::') || fn === 'Condition') return this.call(stack, fn, arg);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(stack, v)]));
  }

  /** Resolves `value` to a string (numbers and booleans as text). */
  resolveString(stack: AssemblyStack, value: unknown): string {
    const v = this.resolve(stack, value);
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new UnresolvableError(`expected a string, got ${JSON.stringify(v)}`);
  }

  private ref(stack: AssemblyStack, name: string): string {
    switch (name) {
      case 'AWS::Region':
        return this.env.region;
      case 'AWS::AccountId':
        return this.env.accountId;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return stack.stackName;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${this.env.region}:${this.env.accountId}:stack/${stack.stackName}/local`;
      case 'AWS::NoValue':
        throw new UnresolvableError('AWS::NoValue');
    }
    const param = stack.template.Parameters?.[name];
    if (param) {
      if (param.Default === undefined)
        throw new UnresolvableError(`parameter ${name} of ${stack.id} has no default`);
      return String(param.Default);
    }
    const identity = this.identity(stack, name);
    if (!identity) {
      const type = stack.template.Resources?.[name]?.Type;
      throw new UnresolvableError(
        type ? `Ref to ${name} (${type}) has no local value` : `Ref to unknown ${name} in ${stack.id}`,
      );
    }
    return identity.ref;
  }

  private getAtt(stack: AssemblyStack, logicalId: string, attribute: string): string {
    const identity = this.identity(stack, logicalId);
    const value = identity?.attributes[attribute];
    if (value === undefined) {
      const type = stack.template.Resources?.[logicalId]?.Type ?? 'unknown resource';
      throw new UnresolvableError(`Fn::GetAtt ${logicalId}.${attribute} (${type}) has no local value`);
    }
    return value;
  }

  private call(stack: AssemblyStack, fn: string, arg: unknown): unknown {
    switch (fn) {
      case 'Fn::GetAtt': {
        const [id, attr] = Array.isArray(arg) ? arg : String(arg).split(/\.(.*)/s);
        return this.getAtt(stack, String(id), String(this.resolve(stack, attr)));
      }
      case 'Fn::Join': {
        const [sep, list] = arg as [string, unknown];
        const items = this.resolve(stack, list);
        if (!Array.isArray(items)) throw new UnresolvableError('Fn::Join needs a list');
        return items.map((i) => this.asText(i)).join(sep);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        const items = this.resolve(stack, list);
        const i = Number(this.resolve(stack, index));
        if (!Array.isArray(items) || !Number.isInteger(i) || i < 0 || i >= items.length) {
          throw new UnresolvableError(`Fn::Select index ${i} out of range`);
        }
        return items[i];
      }
      case 'Fn::Split': {
        const [sep, source] = arg as [string, unknown];
        return this.resolveString(stack, source).split(sep);
      }
      case 'Fn::Sub':
        return this.sub(stack, arg);
      case 'Fn::Base64':
        return Buffer.from(this.resolveString(stack, arg)).toString('base64');
      case 'Fn::ImportValue': {
        const name = this.resolveString(stack, arg);
        const exported = this.exports.get(name);
        if (!exported)
          throw new UnresolvableError(`Fn::ImportValue ${name}: no stack of the assembly exports it`);
        return this.resolve(exported.stack, exported.value);
      }
      case 'Fn::FindInMap': {
        const [map, top, second] = (arg as unknown[]).map((a) => this.resolveString(stack, a));
        const mappings = (stack.template as { Mappings?: Record<string, any> }).Mappings;
        const v = mappings?.[map]?.[top]?.[second];
        if (v === undefined) throw new UnresolvableError(`Fn::FindInMap ${map}.${top}.${second} not found`);
        return v;
      }
      default:
        throw new UnresolvableError(`${fn} is not evaluated locally`);
    }
  }

  private sub(stack: AssemblyStack, arg: unknown): string {
    const [template, vars] = Array.isArray(arg)
      ? (arg as [string, Record<string, unknown>])
      : [String(arg), {}];
    return template.replace(/\$\{([^}]*)\}/g, (whole, expr: string) => {
      if (expr.startsWith('!')) return `\${${expr.slice(1)}}`;
      if (vars && expr in vars) return this.resolveString(stack, vars[expr]);
      const dot = expr.indexOf('.');
      if (dot > 0 && !expr.startsWith('AWS::'))
        return this.getAtt(stack, expr.slice(0, dot), expr.slice(dot + 1));
      return this.ref(stack, expr);
    });
  }

  private asText(v: unknown): string {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new UnresolvableError(`cannot join ${JSON.stringify(v)}`);
  }
}
