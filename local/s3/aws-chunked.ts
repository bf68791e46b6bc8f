import { Transform, type TransformCallback } from 'node:stream';
import { S3Error } from './errors.js';

/** The `x-amz-content-sha256` values that announce an `aws-chunked` body. */
export const STREAMING_PAYLOADS = [
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
  'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD',
  'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER',
] as const;

/** Whether a request body is `aws-chunked` (by its `x-amz-content-sha256` or `Content-Encoding`). */
export function isAwsChunked(
  contentSha256: string | undefined,
  contentEncoding: string | undefined,
): boolean {
  if (contentSha256 && (STREAMING_PAYLOADS as readonly string[]).includes(contentSha256)) return true;
  return (contentEncoding ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .includes('aws-chunked');
}

/** `Content-Encoding` without `aws-chunked`, as S3 stores it (undefined when nothing is left). */
export function storedContentEncoding(contentEncoding: string | undefined): string | undefined {
  const rest = (contentEncoding ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '' && s.toLowerCase() !== 'aws-chunked');
  return rest.length > 0 ? rest.join(', ') : undefined;
}

const MAX_LINE = 8 * 1024;

type State = 'header' | 'data' | 'data-crlf' | 'trailer' | 'done';

/**
 * Decodes an `aws-chunked` request body (SigV4 streaming, signed or unsigned, with or without trailers)
 * into the object's bytes, streaming. Chunk signatures are parsed but not verified (the local store does
 * not know the caller's secret key). After the stream ends, `trailers` holds the trailing headers
 * (`x-amz-checksum-crc32`, ...) in lower case and `decodedLength` the number of bytes produced.
 * A body that stops early or is not valid chunked encoding fails with `IncompleteBody` / `InvalidRequest`.
 *
 * @example
 * await pipeline(req, new AwsChunkedDecoder(), createWriteStream(tmp));
 */
export class AwsChunkedDecoder extends Transform {
  readonly trailers: Record<string, string> = {};
  readonly chunkSignatures: string[] = [];
  decodedLength = 0;
  private state: State = 'header';
  private line = Buffer.alloc(0);
  private remaining = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    try {
      this.consume(chunk);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    const finishedWithoutFinalCrlf = this.state === 'trailer' && this.line.length === 0;
    if (this.state !== 'done' && !finishedWithoutFinalCrlf) {
      callback(
        new S3Error(
          'IncompleteBody',
          'The request body terminated unexpectedly (incomplete aws-chunked encoding)',
        ),
      );
      return;
    }
    callback();
  }

  private consume(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      switch (this.state) {
        case 'data': {
          const take = Math.min(this.remaining, chunk.length - offset);
          this.push(chunk.subarray(offset, offset + take));
          this.decodedLength += take;
          this.remaining -= take;
          offset += take;
          if (this.remaining === 0) this.state = 'data-crlf';
          break;
        }
        case 'done':
          if (chunk.subarray(offset).every((b) => b === 0x0d || b === 0x0a)) return;
          throw invalid('unexpected data after the final chunk');
        default: {
          const newline = chunk.indexOf(0x0a, offset);
          const end = newline === -1 ? chunk.length : newline + 1;
          this.line = Buffer.concat([this.line, chunk.subarray(offset, end)]);
          offset = end;
          if (this.line.length > MAX_LINE) throw invalid('chunk header or trailer line too long');
          if (newline === -1) break;
          const text = this.line.toString('latin1').replace(/\r?\n$/, '');
          this.line = Buffer.alloc(0);
          this.onLine(text);
        }
      }
    }
  }

  private onLine(text: string): void {
    if (this.state === 'data-crlf') {
      if (text !== '') throw invalid('chunk data is not followed by CRLF');
      this.state = 'header';
      return;
    }
    if (this.state === 'trailer') {
      if (text === '') {
        this.state = 'done';
        return;
      }
      const colon = text.indexOf(':');
      if (colon <= 0) throw invalid(`malformed trailer line`);
      this.trailers[text.slice(0, colon).trim().toLowerCase()] = text.slice(colon + 1).trim();
      return;
    }
    const [sizeText, ...extensions] = text.split(';');
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText.trim())) throw invalid('chunk size is not hexadecimal');
    for (const ext of extensions) {
      const [name, value] = ext.split('=');
      if (name.trim() === 'chunk-signature' && value) this.chunkSignatures.push(value.trim());
    }
    const size = parseInt(sizeText, 16);
    if (!Number.isSafeInteger(size)) throw invalid('chunk size too large');
    if (size === 0) {
      this.state = 'trailer';
    } else {
      this.remaining = size;
      this.state = 'data';
    }
  }
}

function invalid(detail: string): S3Error {
  return new S3Error('InvalidRequest', `Invalid aws-chunked request body: ${detail}`);
}
