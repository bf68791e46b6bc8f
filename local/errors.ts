/**
 * An error the local CodePipeline returns to its client. `type` is exactly the name of an error
 * shape in the service model (`PipelineNotFoundException`, `ValidationException`, ...); the
 * protocol layer serializes it as `{"__type": type, "message": message}` with the HTTP status
 * that local/protocol/errors.ts assigns to that type.
 *
 * Domain code (local/api, local/engine, local/store) throws these; it never deals with HTTP.
 */
export class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

/** Shorthand: `throw serviceError('PipelineNotFoundException', 'Account ... does not have a pipeline with name ...')`. */
export function serviceError(type: string, message: string): ServiceError {
  return new ServiceError(type, message);
}
