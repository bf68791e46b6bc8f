import { createLambdaContext } from '../../lambdas/testing/index.js';
import { startArtifactStore, type ArtifactTestStore } from './artifact-store.js';
import { startJsonRecorder, type JsonRecorder } from './json-recorder.js';

/** The local S3 store plus a CodePipeline recorder, wired through the endpoint variables a handler reads. */
export interface HandlerHarness {
  readonly store: ArtifactTestStore;
  readonly codepipeline: JsonRecorder;
  /** Invokes `handler` with `event` and returns the one result request it sent (success or failure). */
  invoke(
    handler: (event: unknown, context: ReturnType<typeof createLambdaContext>) => Promise<unknown>,
    event: unknown,
  ): Promise<{ operation: string; body: any }>;
  stop(): Promise<void>;
}

const ENV_KEYS = ['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL_CODEPIPELINE', 'POWERTOOLS_LOG_LEVEL'] as const;

export async function startHandlerHarness(): Promise<HandlerHarness> {
  const store = await startArtifactStore();
  const codepipeline = await startJsonRecorder();
  const previous = ENV_KEYS.map((k) => process.env[k]);
  process.env.AWS_ENDPOINT_URL_S3 = store.endpoint;
  process.env.AWS_ENDPOINT_URL_CODEPIPELINE = codepipeline.url;
  // The handlers' job logs are not what these tests check; keep the test output readable.
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  return {
    store,
    codepipeline,
    invoke: async (handler, event) => {
      const before = codepipeline.requests.length;
      await handler(event, createLambdaContext({ timeoutMs: 60_000 }));
      const sent = codepipeline.requests
        .slice(before)
        .filter((r) => r.operation === 'PutJobSuccessResult' || r.operation === 'PutJobFailureResult');
      if (sent.length !== 1) throw new Error(`expected one job result, got ${sent.length}`);
      return { operation: sent[0].operation, body: sent[0].body };
    },
    stop: async () => {
      ENV_KEYS.forEach((k, i) => {
        if (previous[i] === undefined) delete process.env[k];
        else process.env[k] = previous[i];
      });
      await codepipeline.close();
      await store.stop();
    },
  };
}
