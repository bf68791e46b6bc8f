import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';

/** A reference from a structure member, list, or map to another shape. */
export interface ShapeRef {
  readonly shape: string;
  readonly idempotencyToken?: boolean;
}

/** One shape of the botocore service model (only the traits the protocol layer reads). */
export interface Shape {
  readonly type:
    | 'structure'
    | 'string'
    | 'list'
    | 'map'
    | 'integer'
    | 'long'
    | 'float'
    | 'double'
    | 'boolean'
    | 'timestamp'
    | 'blob';
  readonly members?: Readonly<Record<string, ShapeRef>>;
  readonly required?: readonly string[];
  readonly member?: ShapeRef;
  readonly key?: ShapeRef;
  readonly value?: ShapeRef;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
  readonly sensitive?: boolean;
  readonly exception?: boolean;
}

/** One operation of the service model. */
export interface Operation {
  readonly name: string;
  readonly input?: ShapeRef;
  readonly output?: ShapeRef;
  readonly errors?: readonly ShapeRef[];
}

/** A paginated operation's tokens (paginators-1.json). */
export interface Paginator {
  readonly input_token: string;
  readonly output_token: string;
  readonly limit_key?: string;
  readonly result_key: string;
}

/** The loaded CodePipeline service model. */
export interface ServiceModel {
  readonly metadata: {
    readonly apiVersion: string;
    readonly targetPrefix: string;
    readonly jsonVersion: string;
    readonly endpointPrefix: string;
  };
  readonly operations: Readonly<Record<string, Operation>>;
  readonly shapes: Readonly<Record<string, Shape>>;
  readonly paginators: Readonly<Record<string, Paginator>>;
}

const MODEL_DIR = ['local', 'service-model'];
const SERVICE_FILE = 'codepipeline-2015-07-09.service-2.json';
const PAGINATORS_FILE = 'codepipeline-2015-07-09.paginators-1.json';

let cached: ServiceModel | undefined;

/**
 * The botocore service model of CodePipeline 2015-07-09 (kept as data in local/service-model/),
 * loaded once. It is the source of truth for operation names, shapes, constraints and errors.
 *
 * @example
 * const model = serviceModel();
 * Object.keys(model.operations).length; // 44
 */
export function serviceModel(): ServiceModel {
  if (cached) return cached;
  const dir = join(packageRoot(), ...MODEL_DIR);
  const service = JSON.parse(readFileSync(join(dir, SERVICE_FILE), 'utf8')) as Omit<
    ServiceModel,
    'paginators'
  >;
  const paginators = JSON.parse(readFileSync(join(dir, PAGINATORS_FILE), 'utf8')) as {
    pagination: Record<string, Paginator>;
  };
  cached = {
    metadata: service.metadata,
    operations: service.operations,
    shapes: service.shapes,
    paginators: paginators.pagination,
  };
  return cached;
}

/** Every operation name of the model, sorted. */
export function operationNames(): string[] {
  return Object.keys(serviceModel().operations).sort();
}

/** The named shape; throws for a name the model does not have (a programming error). */
export function shapeOf(name: string): Shape {
  const shape = serviceModel().shapes[name];
  if (!shape) throw new Error(`service model has no shape ${name}`);
  return shape;
}

/** The error shapes the model declares for an operation. */
export function declaredErrors(operation: string): string[] {
  return (serviceModel().operations[operation]?.errors ?? []).map((e) => e.shape);
}

/** Every shape marked `exception` in the model. */
export function modeledErrorShapes(): string[] {
  return Object.entries(serviceModel().shapes)
    .filter(([, s]) => s.exception)
    .map(([n]) => n)
    .sort();
}
