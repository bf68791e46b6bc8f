import { Transform, type TransformCallback } from 'node:stream';

/** Longest `KEY` of a `${KEY}` placeholder; longer runs are left as they are. */
export const TEMPLATE_KEY_MAX_CHARS = 128;

const DOLLAR = 0x24;
const OPEN = 0x7b;
const CLOSE = 0x7d;

/** What a {@link TemplateStream} met while rendering. */
export interface TemplateStats {
  /** Placeholders replaced. */
  substitutions: number;
  /** Keys of `${KEY}` placeholders with no value (left unchanged). */
  readonly missing: Set<string>;
}

function isKeyByte(byte: number, first: boolean): boolean {
  const letter = (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte === 0x5f;
  return first ? letter : letter || (byte >= 0x30 && byte <= 0x39) || byte === 0x2e || byte === 0x2d;
}

/**
 * Replaces `${KEY}` placeholders (KEY: a letter or `_`, then letters, digits, `_`, `.`, `-`) in a byte
 * stream with UTF-8 values, chunk by chunk: a placeholder split across chunks is carried over, so memory
 * stays at one chunk plus {@link TEMPLATE_KEY_MAX_CHARS}. `$${KEY}` writes a literal `${KEY}`. Bytes
 * outside placeholders pass unchanged (binary-safe); unknown keys stay as they are and are recorded in
 * `stats.missing`.
 *
 * @example
 * ```ts
 * await pipeline(input, new TemplateStream({ STAGE: 'prod' }), output);
 * ```
 */
export class TemplateStream extends Transform {
  public readonly stats: TemplateStats = { substitutions: 0, missing: new Set() };
  private carry: Buffer = Buffer.alloc(0);
  private readonly values: Map<string, Buffer>;

  public constructor(values: Readonly<Record<string, string>>) {
    super();
    this.values = new Map(Object.entries(values).map(([k, v]) => [k, Buffer.from(v, 'utf8')]));
  }

  public override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const data = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const keep = this.render(data, false);
    this.carry = Buffer.from(data.subarray(keep));
    callback();
  }

  public override _flush(callback: TransformCallback): void {
    if (this.carry.length) this.render(this.carry, true);
    this.carry = Buffer.alloc(0);
    callback();
  }

  /** Pushes the rendered part of `data`; returns the offset where an unfinished placeholder starts. */
  private render(data: Buffer, final: boolean): number {
    const out: Buffer[] = [];
    let written = 0;
    let at = data.indexOf(DOLLAR);
    while (at !== -1) {
      // A `$` at the very end may start a placeholder that continues in the next chunk.
      if (at + 1 >= data.length) {
        if (!final) return this.pushParts(out, data, written, at);
        break;
      }
      if (data[at + 1] === DOLLAR && at + 2 >= data.length && !final) {
        return this.pushParts(out, data, written, at);
      }
      if (data[at + 1] === DOLLAR && data[at + 2] === OPEN) {
        // `$${` -> literal `${`: drop the first `$`, keep the rest verbatim.
        out.push(data.subarray(written, at));
        written = at + 1;
        at = data.indexOf(DOLLAR, at + 3);
        continue;
      }
      if (data[at + 1] !== OPEN) {
        at = data.indexOf(DOLLAR, at + 1);
        continue;
      }
      let end = at + 2;
      while (
        end < data.length &&
        end - at - 2 <= TEMPLATE_KEY_MAX_CHARS &&
        isKeyByte(data[end], end === at + 2)
      ) {
        end += 1;
      }
      if (end >= data.length && !final && end - at - 2 <= TEMPLATE_KEY_MAX_CHARS) {
        return this.pushParts(out, data, written, at);
      }
      if (end < data.length && data[end] === CLOSE && end > at + 2) {
        const key = data.toString('latin1', at + 2, end);
        const value = this.values.get(key);
        if (value) {
          out.push(data.subarray(written, at), value);
          written = end + 1;
          this.stats.substitutions += 1;
        } else {
          this.stats.missing.add(key);
        }
        at = data.indexOf(DOLLAR, end + 1);
        continue;
      }
      at = data.indexOf(DOLLAR, at + 1);
    }
    return this.pushParts(out, data, written, data.length);
  }

  private pushParts(out: Buffer[], data: Buffer, written: number, upTo: number): number {
    if (upTo > written) out.push(data.subarray(written, upTo));
    if (out.length) this.push(out.length === 1 ? out[0] : Buffer.concat(out));
    return upTo;
  }
}
