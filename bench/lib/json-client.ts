import { Agent, request } from 'node:http';

/** Headers of a CodePipeline JSON 1.1 call, with a SigV4-shaped Authorization (moto routes by its scope). */
export function codePipelineHeaders(operation: string): Record<string, string> {
  return {
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': `CodePipeline_20150709.${operation}`,
    'x-amz-date': '20250101T000000Z',
    authorization:
      'AWS4-HMAC-SHA256 Credential=bench/20250101/us-east-1/codepipeline/aws4_request, ' +
      'SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=' +
      '0'.repeat(64),
  };
}

/** The reply of one call. */
export interface JsonReply {
  readonly status: number;
  readonly body: string;
}

/**
 * One POST to `endpoint` (http://127.0.0.1:port) with `headers` and `body`, over `agent` (keep-alive or not).
 *
 * @example
 * const r = await post(agent, 'http://127.0.0.1:4566', codePipelineHeaders('ListPipelines'), '{}');
 */
export function post(
  agent: Agent | false,
  endpoint: string,
  headers: Record<string, string>,
  body: string,
): Promise<JsonReply> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/',
        agent,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A CodePipeline operation over JSON 1.1; throws unless the reply is 200.
 *
 * @example
 * const out = await callCodePipeline(agent, endpoint, 'GetPipeline', { name: 'p' });
 */
export async function callCodePipeline(
  agent: Agent | false,
  endpoint: string,
  operation: string,
  input: unknown,
): Promise<any> {
  const r = await post(agent, endpoint, codePipelineHeaders(operation), JSON.stringify(input));
  if (r.status !== 200) throw new Error(`${operation} answered ${r.status}: ${r.body.slice(0, 300)}`);
  return r.body ? JSON.parse(r.body) : {};
}
