import { CodePipelineClient } from '@aws-sdk/client-codepipeline';

let shared: CodePipelineClient | undefined;

/**
 * A new CodePipeline client configured from the environment only: `AWS_REGION`,
 * `AWS_ENDPOINT_URL_CODEPIPELINE` / `AWS_ENDPOINT_URL` (a local engine or recorder), and the SDK's default
 * retry strategy (throttling and 5xx are retried with backoff).
 *
 * @example
 * ```ts
 * process.env.AWS_ENDPOINT_URL_CODEPIPELINE = 'http://127.0.0.1:4566';
 * const client = createCodePipelineClient();
 * ```
 */
export function createCodePipelineClient(): CodePipelineClient {
  return new CodePipelineClient({});
}

/**
 * The one CodePipeline client of this container, created on first use and kept across invocations
 * (module scope, outside the handler), so warm invocations reuse its connections.
 *
 * @example
 * ```ts
 * await getCodePipelineClient().send(new PutJobSuccessResultCommand({ jobId }));
 * ```
 */
export function getCodePipelineClient(): CodePipelineClient {
  shared ??= createCodePipelineClient();
  return shared;
}
