import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with `exports.default`; NodeNext sees the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

type AnyAjv = Ajv | Ajv2019 | Ajv2020;

const instances = new Map<string, AnyAjv>();

/** One Ajv per JSON Schema draft, created on first use: 2020-12, 2019-09, else draft-07 (and -06/-04 style). */
function ajvFor(schema: unknown): AnyAjv {
  const declared =
    typeof schema === 'object' && schema !== null
      ? String((schema as { $schema?: unknown }).$schema ?? '')
      : '';
  const draft = declared.includes('2020-12') ? '2020' : declared.includes('2019-09') ? '2019' : '07';
  let ajv = instances.get(draft);
  if (!ajv) {
    const options = { allErrors: true, strict: false, logger: false as const };
    ajv =
      draft === '2020' ? new Ajv2020(options) : draft === '2019' ? new Ajv2019(options) : new Ajv(options);
    addFormats(ajv as Ajv);
    instances.set(draft, ajv);
  }
  return ajv;
}

/**
 * Compiles a JSON Schema (draft-07, 2019-09 or 2020-12 by its `$schema`) with every error collected and
 * the standard formats checked. Throws Ajv's error when the schema itself is invalid.
 *
 * @example
 * ```ts
 * const validate = compileSchema({ type: 'object', required: ['name'] });
 * validate({}) || describeErrors(validate.errors);
 * ```
 */
export function compileSchema(schema: unknown): ValidateFunction {
  const ajv = ajvFor(schema);
  // Schemas are compiled once per job; drop an earlier schema with the same $id.
  const id = typeof schema === 'object' && schema !== null ? (schema as { $id?: unknown }).$id : undefined;
  if (typeof id === 'string') ajv.removeSchema(id);
  return ajv.compile(schema as object);
}

/** One readable line per Ajv error: `<pointer>: <message> (<detail>)`. */
export function describeErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const where = e.instancePath || '/';
    const params = e.params as Record<string, unknown>;
    const detail =
      params.additionalProperty !== undefined
        ? ` ("${String(params.additionalProperty)}")`
        : params.allowedValues !== undefined
          ? `: ${JSON.stringify(params.allowedValues)}`
          : '';
    return `${where}: ${e.message ?? e.keyword}${detail}`;
  });
}
