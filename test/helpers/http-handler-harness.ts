import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { captureOutput, type CapturedOutput } from './capture-stdout.js';
import { startHttpTarget, type HttpTarget, type Route } from './http-target.js';
import { startJsonRecorder, type JsonRecorder } from './json-recorder.js';

/** What {@link useHttpHandlerHarness} gives a test file; read the members inside tests (hooks set them). */
export interface HttpHandlerHarness {
  /** The CodePipeline the handler reports to (`AWS_ENDPOINT_URL_CODEPIPELINE`); no requests at each test start. */
  readonly recorder: JsonRecorder;
  /** The HTTP server the handler probes; hit counts cleared at each test start. */
  readonly target: HttpTarget;
  /** stdout/stderr captured during the current test. */
  readonly output: CapturedOutput;
}

/**
 * Registers the hooks of the tests of handlers that probe a URL (http-check, wait-for): a CodePipeline
 * recorder the handler's client reaches through `AWS_ENDPOINT_URL_CODEPIPELINE`, an HTTP target serving
 * `routes`, both reset before each test, and the output captured during each test. Call it at the top level.
 *
 * @example
 * const harness = useHttpHandlerHarness({ '/ready': () => ({ status: 200 }) });
 * it('probes', async () => {
 *   await handler(buildJobEvent({ userParameters: { url: `${harness.target.url}/ready` } }), context);
 *   expect(harness.recorder.byOperation('PutJobSuccessResult')).toHaveLength(1);
 * });
 */
export function useHttpHandlerHarness(routes: Record<string, Route>): HttpHandlerHarness {
  let recorder: JsonRecorder | undefined;
  let target: HttpTarget | undefined;
  let output: CapturedOutput | undefined;
  beforeAll(async () => {
    recorder = await startJsonRecorder();
    target = await startHttpTarget(routes);
    process.env.AWS_ENDPOINT_URL_CODEPIPELINE = recorder.url;
  });
  afterAll(async () => {
    delete process.env.AWS_ENDPOINT_URL_CODEPIPELINE;
    await Promise.all([recorder?.close(), target?.close()]);
  });
  beforeEach(() => {
    recorder!.requests.length = 0;
    target!.hits.clear();
    output = captureOutput();
  });
  afterEach(() => output?.restore());
  return {
    get recorder() {
      return recorder!;
    },
    get target() {
      return target!;
    },
    get output() {
      return output!;
    },
  };
}
