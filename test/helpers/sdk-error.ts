/**
 * The error name and HTTP status an AWS SDK call fails with; throws when the call succeeds.
 *
 * @example
 * expect(await sdkErrorOf(client.send(new GetObjectCommand({ Bucket: 'b', Key: 'missing' })))).toEqual({
 *   name: 'NoSuchKey',
 *   status: 404,
 * });
 */
export async function sdkErrorOf(promise: Promise<unknown>): Promise<{ name: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}
