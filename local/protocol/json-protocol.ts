import { ServiceError } from '../errors.js';
import { checkDeclaredError, serializeError } from './errors.js';
import { serviceModel } from './service-model.js';
import { validateInput } from './validate.js';
import { attachedWireJson, toWireJson } from './wire-body.js';

export { serializeOutput } from './output-serializer.js';

/** One request of the AWS JSON 1.1 protocol, as read off the wire. */
export interface JsonRequest {
  /** The `X-Amz-Target` header, e.g. `CodePipeline_20150709.ListPipelines`. */
  readonly target: string | undefined;
  /** The `Content-Type` header. */
  readonly contentType: string | undefined;
  /** The raw body. */
  readonly body: Buffer;
}

/** The answer to write back. */
export interface JsonResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** The operation, when the target named one of the model (for logs). */
  readonly operation?: string;
}

/** Runs a validated operation; throws `ServiceError` for modeled failures. */
export type OperationInvoker = (operation: string, input: unknown) => Promise<unknown> | unknown;

const CONTENT_TYPES = ['application/x-amz-json-1.1', 'application/x-amz-json-1.0', 'application/json'];
const RESPONSE_CONTENT_TYPE = 'application/x-amz-json-1.1';

/**
 * Handles one JSON 1.1 request end to end: target -> operation, body -> validated input,
 * invoker -> output serialized by the output shape (Date -> epoch seconds), and every failure ->
 * `{"__type","message"}` with the status table's code. Never throws.
 *
 * @example
 * const res = await handleJsonRequest(
 *   { target: 'CodePipeline_20150709.ListPipelines', contentType: 'application/x-amz-json-1.1', body: Buffer.from('{}') },
 *   (op, input) => operations[op](input, ctx),
 *   randomUUID(),
 * );
 */
export async function handleJsonRequest(
  request: JsonRequest,
  invoke: OperationInvoker,
  requestId: string,
): Promise<JsonResponse> {
  let operation: string | undefined;
  try {
    operation = resolveOperation(request.target);
    const contentType = (request.contentType ?? '').split(';')[0].trim().toLowerCase();
    if (contentType !== '' && !CONTENT_TYPES.includes(contentType)) {
      throw new ServiceError('UnknownOperationException', `Unsupported Content-Type: ${contentType}`);
    }
    const body = parseBody(request.body);
    const op = serviceModel().operations[operation];
    const input = op.input ? validateInput(op.input.shape, body) : {};
    const output = await invoke(operation, input);
    const json = op.output
      ? (attachedWireJson(output, op.output.shape) ?? toWireJson(op.output.shape, output))
      : '{}';
    return respond(200, json, requestId, operation);
  } catch (err) {
    if (err instanceof ServiceError && operation) checkDeclaredError(operation, err.type);
    const { status, body } = serializeError(err, requestId);
    return respond(status, JSON.stringify(body), requestId, operation);
  }
}

/** `CodePipeline_20150709.<Op>` -> `<Op>`; anything else is an UnknownOperationException. */
export function resolveOperation(target: string | undefined): string {
  const { targetPrefix } = serviceModel().metadata;
  const prefix = `${targetPrefix}.`;
  if (!target || !target.startsWith(prefix)) {
    throw new ServiceError('UnknownOperationException', `Unknown operation ${target ?? '(no X-Amz-Target)'}`);
  }
  const name = target.slice(prefix.length);
  if (!Object.hasOwn(serviceModel().operations, name)) {
    throw new ServiceError('UnknownOperationException', `Unknown operation ${target}`);
  }
  return name;
}

function parseBody(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ServiceError('SerializationException', 'The request body is not valid JSON');
  }
}

/** A JSON error answer outside of an operation (body too large, bad signature, ...). */
export function errorResponse(err: unknown, requestId: string): JsonResponse {
  const { status, body } = serializeError(err, requestId);
  return respond(status, JSON.stringify(body), requestId);
}

function respond(status: number, body: string, requestId: string, operation?: string): JsonResponse {
  return {
    status,
    body,
    operation,
    headers: {
      'content-type': RESPONSE_CONTENT_TYPE,
      'content-length': String(Buffer.byteLength(body)),
      'x-amzn-RequestId': requestId,
    },
  };
}
