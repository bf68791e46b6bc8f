import { CodePipelineClient } from '@aws-sdk/client-codepipeline';

/** The engine URL the client commands use unless --endpoint says otherwise. */
export const DEFAULT_ENDPOINT = process.env.CPKIT_ENDPOINT ?? 'http://127.0.0.1:4566';

/**
 * A CodePipeline client for `cpkit run` / `cpkit state`: the given endpoint, the region from AWS_REGION
 * (default us-east-1), and dummy credentials when none are configured (the local engine accepts any).
 *
 * @example
 * const client = localCodePipelineClient('http://127.0.0.1:4566');
 */
export function localCodePipelineClient(endpoint: string): CodePipelineClient {
  const hasCredentials = Boolean(process.env.AWS_ACCESS_KEY_ID || process.env.AWS_PROFILE);
  return new CodePipelineClient({
    endpoint,
    region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    maxAttempts: 2,
    ...(hasCredentials ? {} : { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  });
}

/** A one-line description of an SDK error (name and message). */
export function describeSdkError(err: unknown): string {
  const e = err as { name?: string; message?: string; code?: string };
  if (e?.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(String(e?.message))) {
    return 'cannot reach the engine (is `cpkit serve` running? set --endpoint)';
  }
  return `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`;
}
