import { CodePipelineClient } from '@aws-sdk/client-codepipeline';

/** A real CodePipeline client pointed at a local recorder (dummy credentials, default retries). */
export function recorderClient(url: string): CodePipelineClient {
  return new CodePipelineClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'test-secret' },
  });
}
