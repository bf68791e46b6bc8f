import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { captureOutput, type CapturedOutput } from './capture-stdout.js';
import { startJsonRecorder, type JsonRecorder } from './json-recorder.js';

/** What {@link useJobRecorder} gives a test file; read the members inside tests (they are set by hooks). */
export interface JobRecorderSetup {
  /** The CodePipeline recorder of this file: no requests and the default answer at the start of each test. */
  readonly recorder: JsonRecorder;
  /** stdout/stderr captured during the current test (the job logger's records). */
  readonly output: CapturedOutput;
}

/**
 * Registers the hooks the job toolkit's unit tests share: one {@link startJsonRecorder} for the file (closed
 * after it), its requests cleared and its answer reset before each test, and the output captured during each
 * test. Call it at the top level of a test file.
 *
 * @example
 * const job = useJobRecorder();
 * it('reports', async () => {
 *   await run(recorderClient(job.recorder.url));
 *   expect(job.recorder.byOperation('PutJobSuccessResult')).toHaveLength(1);
 * });
 */
export function useJobRecorder(): JobRecorderSetup {
  let recorder: JsonRecorder | undefined;
  let output: CapturedOutput | undefined;
  beforeAll(async () => {
    recorder = await startJsonRecorder();
  });
  afterAll(() => recorder?.close());
  beforeEach(() => {
    recorder!.requests.length = 0;
    recorder!.respondWith(() => undefined);
    output = captureOutput();
  });
  afterEach(() => output?.restore());
  return {
    get recorder() {
      return recorder!;
    },
    get output() {
      return output!;
    },
  };
}
