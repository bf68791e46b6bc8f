import { outputSerializer } from './output-serializer.js';

const WIRE_BODY = Symbol('cpkit.wireBody');

interface WireBody {
  readonly shape: string;
  readonly json: string;
}

/**
 * The response body the JSON protocol writes for `output` of output shape `shape`: the output serialized by
 * its shape (see outputSerializer), as JSON text.
 *
 * @example
 * toWireJson('ListPipelinesOutput', { pipelines: [] }); // '{"pipelines":[]}'
 */
export function toWireJson(shape: string, output: unknown): string {
  return JSON.stringify(outputSerializer(shape)(output ?? {}) ?? {});
}

/**
 * Attaches the response body of `output` computed earlier (e.g. kept by a read cache), so that the protocol
 * writes it instead of serializing `output` again. `json` must be exactly `toWireJson(shape, output)`; build
 * both from the same data. Stored under a non-enumerable symbol: in-process callers see a plain output.
 *
 * @example
 * return withWireJson(output, 'ListPipelinesOutput', cachedJson);
 */
export function withWireJson<T extends object>(output: T, shape: string, json: string): T {
  const body: WireBody = { shape, json };
  Object.defineProperty(output, WIRE_BODY, { value: body, enumerable: false });
  return output;
}

/** The body attached by {@link withWireJson} for this output shape, if any. */
export function attachedWireJson(output: unknown, shape: string): string | undefined {
  if (typeof output !== 'object' || output === null) return undefined;
  const body = (output as { [WIRE_BODY]?: WireBody })[WIRE_BODY];
  return body?.shape === shape ? body.json : undefined;
}
