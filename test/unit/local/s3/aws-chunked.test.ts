import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AwsChunkedDecoder, isAwsChunked, storedContentEncoding } from '../../../../local/s3/aws-chunked.js';
import { checksumOf } from '../../../../local/s3/checksums.js';
import { S3Error } from '../../../../local/s3/errors.js';

/** Encodes like the SDKs: `hex;chunk-signature=..`, data, CRLF, final chunk, trailers, CRLF. */
function encode(
  data: Buffer,
  chunkSize: number,
  opts: { signed?: boolean; trailers?: string[] } = {},
): Buffer {
  const parts: Buffer[] = [];
  const ext = opts.signed ? ';chunk-signature=' + 'a'.repeat(64) : '';
  for (let i = 0; i < data.length; i += chunkSize) {
    const chunk = data.subarray(i, i + chunkSize);
    parts.push(Buffer.from(`${chunk.length.toString(16)}${ext}\r\n`), chunk, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`0${ext}\r\n`));
  for (const t of opts.trailers ?? []) parts.push(Buffer.from(`${t}\r\n`));
  parts.push(Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

async function decode(
  body: Buffer,
  pieceSize = body.length,
): Promise<{ out: Buffer; decoder: AwsChunkedDecoder }> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < body.length; i += pieceSize) pieces.push(body.subarray(i, i + pieceSize));
  const decoder = new AwsChunkedDecoder();
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(pieces),
    decoder,
    new Writable({
      write(chunk: Buffer, _e, cb) {
        out.push(chunk);
        cb();
      },
    }),
  );
  return { out: Buffer.concat(out), decoder };
}

describe('Class: AwsChunkedDecoder', () => {
  const data = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 251));

  it.each([1, 7, 64, 8192, 1 << 20])(
    'decodes an unsigned body with a trailer, fed in %i-byte pieces',
    async (piece) => {
      // Prepare
      const crc = checksumOf('CRC32', data);
      const body = encode(data, 16_384, { trailers: [`x-amz-checksum-crc32:${crc}`] });

      // Act
      const { out, decoder } = await decode(body, piece);

      // Assess
      expect(out.equals(data)).toBe(true);
      expect(decoder.decodedLength).toBe(data.length);
      expect(decoder.trailers).toEqual({ 'x-amz-checksum-crc32': crc });
    },
  );

  it('decodes a SigV4 signed body and keeps the chunk signatures', async () => {
    // Prepare
    const body = encode(data, 65_536, { signed: true });

    // Act
    const { out, decoder } = await decode(body, 1000);

    // Assess
    expect(out.equals(data)).toBe(true);
    expect(decoder.chunkSignatures).toHaveLength(3);
  });

  it('reads several trailers, including a trailer signature, and an empty body', async () => {
    // Prepare
    const body = encode(Buffer.alloc(0), 10, {
      trailers: ['x-amz-checksum-sha256:abc=', 'x-amz-trailer-signature:' + 'b'.repeat(64)],
    });

    // Act
    const { out, decoder } = await decode(body, 3);

    // Assess
    expect(out.length).toBe(0);
    expect(decoder.trailers['x-amz-checksum-sha256']).toBe('abc=');
    expect(decoder.trailers['x-amz-trailer-signature']).toHaveLength(64);
  });

  it('rejects a body cut short with IncompleteBody', async () => {
    // Prepare
    const body = encode(data, 16_384).subarray(0, 20_000);

    // Act & Assess
    await expect(decode(body)).rejects.toMatchObject({ code: 'IncompleteBody' });
  });

  it.each([
    ['a non-hex size', Buffer.from('zz\r\nabc\r\n0\r\n\r\n')],
    ['data without CRLF', Buffer.from('3\r\nabcX\r\n0\r\n\r\n')],
    ['a line without end', Buffer.from('1'.repeat(10_000))],
  ])('rejects %s with InvalidRequest', async (_name, body) => {
    const error = await decode(body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3Error);
    expect((error as S3Error).code).toBe('InvalidRequest');
  });
});

describe('Function: isAwsChunked', () => {
  it('recognises the streaming payload values and the content encoding', () => {
    expect(isAwsChunked('STREAMING-UNSIGNED-PAYLOAD-TRAILER', undefined)).toBe(true);
    expect(isAwsChunked('STREAMING-AWS4-HMAC-SHA256-PAYLOAD', undefined)).toBe(true);
    expect(isAwsChunked('UNSIGNED-PAYLOAD', 'gzip, aws-chunked')).toBe(true);
    expect(isAwsChunked('UNSIGNED-PAYLOAD', 'gzip')).toBe(false);
    expect(storedContentEncoding('gzip, aws-chunked')).toBe('gzip');
    expect(storedContentEncoding('aws-chunked')).toBeUndefined();
  });
});
