import { serviceModel, type Shape } from './service-model.js';

/** Turns one handler value into its wire form for a fixed shape (undefined: leave the member out). */
export type OutputSerializer = (value: unknown) => unknown;

const compiled = new Map<string, OutputSerializer>();

/**
 * The serializer of an output shape, compiled once from the service model and cached: the walk over
 * `shapes[...]`, `Object.entries(members)` and the type switch happen at compile time instead of on
 * every response. Rules (same as {@link serializeOutput} always had): timestamps (a Date, an ISO string,
 * or a number taken as epoch seconds) -> epoch seconds (fractional allowed), blobs -> base64,
 * null/undefined dropped, and members the shape does not declare dropped (so internal fields never leak).
 *
 * @example
 * const serialize = outputSerializer('ListPipelinesOutput');
 * JSON.stringify(serialize({ pipelines: [{ name: 'p', created: new Date(0) }], internal: 1 }));
 * // {"pipelines":[{"name":"p","created":0}]}
 */
export function outputSerializer(shapeName: string): OutputSerializer {
  const known = compiled.get(shapeName);
  if (known) return known;
  // A placeholder first, so that a shape that (indirectly) contains itself compiles to a finite graph.
  let built: OutputSerializer | undefined;
  compiled.set(shapeName, (value) => built!(value));
  try {
    built = compile(serviceModel().shapes[shapeName]);
  } catch (err) {
    compiled.delete(shapeName);
    throw err;
  }
  compiled.set(shapeName, built);
  return built;
}

/**
 * Serializes a handler's output by its shape (see {@link outputSerializer} for the rules).
 *
 * @example
 * serializeOutput('GetPipelineOutput', { metadata: { created: new Date(1000) } }); // { metadata: { created: 1 } }
 */
export function serializeOutput(shapeName: string, value: unknown): unknown {
  return outputSerializer(shapeName)(value);
}

function isPassThrough(shape: Shape): boolean {
  return shape.type !== 'structure' && shape.type !== 'list' && shape.type !== 'map' && !isConverted(shape);
}

function isConverted(shape: Shape): boolean {
  return shape.type === 'timestamp' || shape.type === 'blob';
}

function compile(shape: Shape): OutputSerializer {
  switch (shape.type) {
    case 'structure':
      return compileStructure(shape);
    case 'list': {
      const item = outputSerializer(shape.member!.shape);
      return (value) => {
        if (!Array.isArray(value)) return undefined;
        const out = new Array<unknown>(value.length);
        for (let i = 0; i < value.length; i++) out[i] = item(value[i]) ?? null;
        return out;
      };
    }
    case 'map': {
      const item = outputSerializer(shape.value!.shape);
      return (value) => {
        if (value === null || value === undefined || typeof value !== 'object') return undefined;
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
          const serialized = item(v);
          if (serialized !== undefined) out[k] = serialized;
        }
        return out;
      };
    }
    case 'timestamp':
      return toEpochSeconds;
    case 'blob':
      return (value) =>
        value === null || value === undefined
          ? undefined
          : Buffer.isBuffer(value)
            ? value.toString('base64')
            : value;
    default:
      return (value) => (value === null ? undefined : value);
  }
}

/** Members whose shape passes values through unchanged are copied inline, without a call per member. */
function compileStructure(shape: Shape): OutputSerializer {
  const members = Object.entries(shape.members ?? {}).map(([name, ref]) => {
    const target = serviceModel().shapes[ref.shape];
    return { name, plain: isPassThrough(target), serialize: outputSerializer(ref.shape) };
  });
  return (value) => {
    if (value === null || value === undefined || typeof value !== 'object') return undefined;
    const record = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const member of members) {
      const raw = record[member.name];
      if (raw === undefined || raw === null) continue;
      const serialized = member.plain ? raw : member.serialize(raw);
      if (serialized !== undefined) out[member.name] = serialized;
    }
    return out;
  };
}

function toEpochSeconds(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime() / 1000;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms / 1000;
  }
  return undefined;
}
