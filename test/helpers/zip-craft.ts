import { Readable } from 'node:stream';
import { crc32, deflateRawSync } from 'node:zlib';
import yazl from 'yazl';

/** One entry of a zip built by {@link yazlZip}. */
export interface YazlEntry {
  readonly path: string;
  readonly content: string | Buffer;
  /** Write through a stream of unknown size: yazl then uses a data descriptor (general purpose bit 3). */
  readonly streamed?: boolean;
  readonly mode?: number;
}

/** A well-formed zip written by yazl 3. */
export async function yazlZip(entries: readonly YazlEntry[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const e of entries) {
    const data = typeof e.content === 'string' ? Buffer.from(e.content) : e.content;
    const options = e.mode !== undefined ? { mode: e.mode } : {};
    if (e.streamed) zip.addReadStream(Readable.from([data]), e.path, options);
    else zip.addBuffer(data, e.path, options);
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as Readable) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** One entry of a hand-written zip: any name, any attributes, sizes that may lie. */
export interface RawEntry {
  readonly name: string;
  readonly data?: Buffer;
  /** 8 deflate (default) or 0 stored. */
  readonly method?: 0 | 8;
  /** Unix mode in the upper 16 bits of the external attributes (e.g. 0o120777 for a symlink). */
  readonly unixMode?: number;
  /** Uncompressed size written in the headers instead of the real one. */
  readonly declaredSize?: number;
  /** Point this central-directory record at the local header of an earlier entry (overlap). */
  readonly sameDataAs?: number;
}

/**
 * Writes a zip byte by byte (local headers, central directory, end record), so tests can build what no
 * zip library writes: `../` names, absolute paths, symlinks, lying sizes, overlapping entries.
 */
export function rawZip(entries: readonly RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  const offsets: number[] = [];
  const records: { crc: number; compressed: number; size: number; method: number }[] = [];
  let offset = 0;
  entries.forEach((e, i) => {
    const name = Buffer.from(e.name, 'utf8');
    const method = e.method ?? 8;
    let record = records[e.sameDataAs ?? -1];
    let localOffset = offsets[e.sameDataAs ?? -1];
    if (e.sameDataAs === undefined) {
      const data = e.data ?? Buffer.alloc(0);
      const body = method === 8 ? deflateRawSync(data) : data;
      record = { crc: crc32(data), compressed: body.length, size: e.declaredSize ?? data.length, method };
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt16LE(0x800, 6);
      local.writeUInt16LE(method, 8);
      local.writeUInt16LE(0, 10);
      local.writeUInt16LE(0x21, 12);
      local.writeUInt32LE(record.crc >>> 0, 14);
      local.writeUInt32LE(record.compressed, 18);
      local.writeUInt32LE(record.size, 22);
      local.writeUInt16LE(name.length, 26);
      local.writeUInt16LE(0, 28);
      localOffset = offset;
      locals.push(local, name, body);
      offset += local.length + name.length + body.length;
    }
    offsets[i] = localOffset;
    records[i] = record;
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(record.method, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(record.crc >>> 0, 16);
    central.writeUInt32LE(record.compressed, 20);
    central.writeUInt32LE(record.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((e.unixMode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(localOffset, 42);
    centrals.push(central, name);
  });
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** True when the zip's first local header sets general purpose bit 3 (sizes in a data descriptor). */
export function usesDataDescriptor(zip: Buffer): boolean {
  return zip.readUInt32LE(0) === 0x04034b50 && (zip.readUInt16LE(6) & 0x8) !== 0;
}
