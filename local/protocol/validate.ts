import { ServiceError } from '../errors.js';
import { serviceModel, type Shape } from './service-model.js';

/**
 * Input validation exactly as AWS's JSON 1.1 services (Coral) do it, in two phases:
 *
 * 1. Deserialization: a JSON value of the wrong type for its shape (a number where a string is
 *    expected, an object where a list is expected, ...) fails the whole request with a
 *    `SerializationException` carrying Coral's message ("class java.lang.Boolean can not be converted
 *    to an String"). JSON `null` counts as absent; members the model does not know are ignored.
 * 2. Constraints: every violation is collected, in the model's member order (depth first), and the
 *    request fails with one `ValidationException`:
 *    "2 validation errors detected: Value at 'pipeline.name' failed to satisfy constraint: Member must
 *    satisfy regular expression pattern: [A-Za-z0-9.@\-_]+; Value null at 'pipeline.roleArn' failed to
 *    satisfy constraint: Member must not be null".
 *
 * Paths are camelCase member names joined by `.`; a list element is `<list>.<n>.member` (1-based), a
 * map value that is a structure is `<map>.<key>.member`. Constraints on the scalar elements of a list or
 * map are reported once for the whole collection ("Member must satisfy constraint: [...]",
 * "Map keys must satisfy constraint: [...]", "Map value must satisfy constraint: [...]"), listing all
 * of the element shape's constraints, as AWS does.
 *
 * CodePipeline does not echo submitted values in these messages (captured AWS answers read
 * "Value at 'pipeline.stages.1.member.actions.1.member.namespace' failed to satisfy constraint: ..."),
 * only a missing value is shown, as `Value null at`. That is the default here; `echoValues: true`
 * gives the older Coral style "Value 'x' at ..." for services that still echo.
 */
export interface ValidateOptions {
  /** Echo the offending value in each message ("Value 'x' at ..."). @default false */
  readonly echoValues?: boolean;
}

/**
 * Validates a parsed JSON body against an input shape of the service model. Returns the input with
 * JSON nulls removed and numbers of integer shapes truncated (what the handler should see); throws a
 * `ServiceError` (`SerializationException` or `ValidationException`) otherwise.
 *
 * @example
 * const input = validateInput('GetPipelineInput', { name: 'my-pipeline' });
 */
export function validateInput(shapeName: string, body: unknown, options: ValidateOptions = {}): unknown {
  const value = deserialize(shapeName, body);
  const violations: string[] = [];
  checkConstraints(shapeName, value, '', violations, options.echoValues ?? false);
  if (violations.length > 0) {
    const n = violations.length;
    throw new ServiceError(
      'ValidationException',
      `${n} validation error${n === 1 ? '' : 's'} detected: ${violations.join('; ')}`,
    );
  }
  return value;
}

// ---------------------------------------------------------------- phase 1: types

function serializationError(message: string): ServiceError {
  return new ServiceError('SerializationException', message);
}

const JAVA_TYPE: Record<string, string> = {
  string: 'String',
  integer: 'Integer',
  long: 'Long',
  float: 'Float',
  double: 'Double',
  boolean: 'Boolean',
  timestamp: 'Date',
  blob: 'Blob',
};

function javaClassOf(value: unknown): string {
  if (typeof value === 'boolean') return 'java.lang.Boolean';
  if (typeof value === 'number') return 'com.amazon.coral.value.json.numbers.TruncatingBigNumber';
  return 'java.lang.String';
}

function wrongScalar(value: unknown, shape: Shape): ServiceError {
  if (Array.isArray(value)) return serializationError('Start of list found where not expected');
  if (typeof value === 'object')
    return serializationError('Start of structure or map found where not expected.');
  const article = shape.type === 'blob' ? 'a' : 'an';
  return serializationError(
    `class ${javaClassOf(value)} can not be converted to ${article} ${JAVA_TYPE[shape.type]}`,
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Phase 1: type checks in document order; returns the value without nulls. */
function deserialize(shapeName: string, value: unknown): unknown {
  const shape = serviceModel().shapes[shapeName];
  switch (shape.type) {
    case 'structure': {
      if (Array.isArray(value)) throw serializationError('Start of list found where not expected');
      if (!isPlainObject(value)) throw serializationError('Expected null or structure');
      const out: Record<string, unknown> = {};
      for (const [name, raw] of Object.entries(value)) {
        // Own members only: a body member named `valueOf` or `constructor` must not find Object.prototype's.
        const ref = shape.members && Object.hasOwn(shape.members, name) ? shape.members[name] : undefined;
        if (!ref || raw === null || raw === undefined) continue; // unknown members ignored, null is absent
        out[name] = deserialize(ref.shape, raw);
      }
      return out;
    }
    case 'list': {
      if (!Array.isArray(value)) {
        if (isPlainObject(value))
          throw serializationError('Start of structure or map found where not expected.');
        throw serializationError('Expected list or null');
      }
      return value.map((item) => (item === null ? null : deserialize(shape.member!.shape, item)));
    }
    case 'map': {
      if (Array.isArray(value)) throw serializationError('Start of list found where not expected');
      if (!isPlainObject(value)) throw serializationError('Expected map or null');
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        // defineProperty: a map key `__proto__` is data, not the prototype.
        const item = v === null ? null : deserialize(shape.value!.shape, v);
        Object.defineProperty(out, k, { value: item, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case 'string':
      if (typeof value !== 'string') throw wrongScalar(value, shape);
      return value;
    case 'integer':
    case 'long':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw wrongScalar(value, shape);
      return Math.trunc(value);
    case 'float':
    case 'double':
      if (typeof value !== 'number') throw wrongScalar(value, shape);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw wrongScalar(value, shape);
      return value;
    case 'timestamp':
      // JSON 1.1 sends epoch seconds; a string is not a timestamp on this protocol.
      if (typeof value !== 'number' || !Number.isFinite(value)) throw wrongScalar(value, shape);
      return new Date(value * 1000);
    case 'blob':
      if (typeof value !== 'string') throw wrongScalar(value, shape);
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) {
        throw serializationError(
          'Base64 encoded length is expected a multiple of 4 bytes but found: ' + value.length,
        );
      }
      return Buffer.from(value, 'base64');
    default:
      return value;
  }
}

// ---------------------------------------------------------------- phase 2: constraints

const patternCache = new Map<string, RegExp>();
function patternOf(pattern: string): RegExp {
  let re = patternCache.get(pattern);
  if (!re) {
    // Java's String.matches(): the whole value must match.
    re = new RegExp(`^(?:${pattern})$`);
    patternCache.set(pattern, re);
  }
  return re;
}

const SIZED: ReadonlySet<string> = new Set(['string', 'list', 'map', 'blob']);
const NUMERIC: ReadonlySet<string> = new Set(['integer', 'long', 'float', 'double']);

/** A structure's members (in model order) and required names, computed once per shape. */
interface StructureInfo {
  readonly members: readonly (readonly [string, string])[];
  readonly required: ReadonlySet<string>;
}
const structures = new WeakMap<Shape, StructureInfo>();
function structureInfo(shape: Shape): StructureInfo {
  let info = structures.get(shape);
  if (!info) {
    info = {
      members: Object.entries(shape.members ?? {}).map(([name, ref]) => [name, ref.shape] as const),
      required: new Set(shape.required ?? []),
    };
    structures.set(shape, info);
  }
  return info;
}

function sizeOf(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) return value.length;
  if (Buffer.isBuffer(value)) return value.length;
  if (isPlainObject(value)) return Object.keys(value).length;
  return 0;
}

/** The shape's own failed constraints for a present value, in AWS's order. */
function failedConstraints(shape: Shape, value: unknown): string[] {
  const failed: string[] = [];
  if (shape.type === 'string' && typeof value === 'string') {
    if (shape.enum && !shape.enum.includes(value)) failed.push(enumText(shape));
    if (shape.pattern && !patternOf(shape.pattern).test(value)) failed.push(patternText(shape));
  }
  if (SIZED.has(shape.type)) {
    const size = sizeOf(value);
    if (shape.max !== undefined && size > shape.max)
      failed.push(`Member must have length less than or equal to ${shape.max}`);
    if (shape.min !== undefined && size < shape.min)
      failed.push(`Member must have length greater than or equal to ${shape.min}`);
  }
  if (NUMERIC.has(shape.type) && typeof value === 'number') {
    if (shape.max !== undefined && value > shape.max)
      failed.push(`Member must have value less than or equal to ${shape.max}`);
    if (shape.min !== undefined && value < shape.min)
      failed.push(`Member must have value greater than or equal to ${shape.min}`);
  }
  return failed;
}

/** Every constraint of a scalar element shape, as listed in "... must satisfy constraint: [...]". */
function allConstraints(shape: Shape): string[] {
  const all: string[] = [];
  const numeric = NUMERIC.has(shape.type);
  const word = numeric ? 'value' : 'length';
  if (shape.max !== undefined) all.push(`Member must have ${word} less than or equal to ${shape.max}`);
  if (shape.min !== undefined) all.push(`Member must have ${word} greater than or equal to ${shape.min}`);
  if (shape.pattern) all.push(patternText(shape));
  if (shape.enum) all.push(enumText(shape));
  return all;
}

function enumText(shape: Shape): string {
  return `Member must satisfy enum value set: [${shape.enum!.join(', ')}]`;
}

function patternText(shape: Shape): string {
  return `Member must satisfy regular expression pattern: ${shape.pattern}`;
}

function isScalar(shape: Shape): boolean {
  return shape.type !== 'structure' && shape.type !== 'list' && shape.type !== 'map';
}

function formatValue(value: unknown, echo: boolean): string {
  if (value === null || value === undefined) return 'Value null';
  if (!echo) return 'Value';
  return `Value '${javaString(value)}'`;
}

/** Java's toString of a deserialized value (for the echo style). */
function javaString(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(javaString).join(', ')}]`;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `java.nio.HeapByteBuffer[pos=0 lim=${value.length} cap=${value.length}]`;
  if (isPlainObject(value)) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}=${javaString(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

function violation(value: unknown, path: string, constraint: string, echo: boolean): string {
  return `${formatValue(value, echo)} at '${path}' failed to satisfy constraint: ${constraint}`;
}

function join(path: string, member: string): string {
  return path ? `${path}.${member}` : member;
}

function checkConstraints(
  shapeName: string,
  value: unknown,
  path: string,
  out: string[],
  echo: boolean,
): void {
  const shape = serviceModel().shapes[shapeName];
  for (const constraint of failedConstraints(shape, value))
    out.push(violation(value, path, constraint, echo));

  if (shape.type === 'structure' && isPlainObject(value)) {
    const { members, required } = structureInfo(shape);
    for (const [name, memberShape] of members) {
      const member = value[name];
      if (member === undefined || member === null) {
        if (required.has(name)) out.push(violation(null, join(path, name), 'Member must not be null', echo));
        continue;
      }
      checkConstraints(memberShape, member, join(path, name), out, echo);
    }
    return;
  }

  if (shape.type === 'list' && Array.isArray(value)) {
    const element = serviceModel().shapes[shape.member!.shape];
    if (isScalar(element)) {
      const bad = value.some((item) => item === null || failedConstraints(element, item).length > 0);
      if (bad) {
        const listed = [
          ...allConstraints(element),
          ...(value.includes(null) ? ['Member must not be null'] : []),
        ];
        out.push(violation(value, path, `Member must satisfy constraint: [${listed.join(', ')}]`, echo));
      }
      return;
    }
    value.forEach((item, i) => {
      const itemPath = `${path}.${i + 1}.member`;
      if (item === null) out.push(violation(null, itemPath, 'Member must not be null', echo));
      else checkConstraints(shape.member!.shape, item, itemPath, out, echo);
    });
    return;
  }

  if (shape.type === 'map' && isPlainObject(value)) {
    const keyShape = serviceModel().shapes[shape.key!.shape];
    const valueShape = serviceModel().shapes[shape.value!.shape];
    const entries = Object.entries(value);
    // AWS reports all keys once and all values once, keys first.
    if (entries.some(([k]) => failedConstraints(keyShape, k).length > 0)) {
      out.push(
        violation(
          value,
          path,
          `Map keys must satisfy constraint: [${allConstraints(keyShape).join(', ')}]`,
          echo,
        ),
      );
    }
    if (isScalar(valueShape)) {
      const hasNull = entries.some(([, v]) => v === null);
      if (hasNull || entries.some(([, v]) => failedConstraints(valueShape, v).length > 0)) {
        const listed = [...allConstraints(valueShape), ...(hasNull ? ['Member must not be null'] : [])];
        out.push(violation(value, path, `Map value must satisfy constraint: [${listed.join(', ')}]`, echo));
      }
      return;
    }
    for (const [k, v] of entries) {
      const itemPath = `${path}.${k}.member`;
      if (v === null) out.push(violation(null, itemPath, 'Member must not be null', echo));
      else checkConstraints(shape.value!.shape, v, itemPath, out, echo);
    }
  }
}
