import { createHash, type Hash } from 'node:crypto';
import { crc32 } from 'node:zlib';

/** The checksum algorithms S3 accepts in `x-amz-checksum-*` headers and trailers. */
export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';

/** All algorithms, in the order S3 documents them. */
export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = [
  'CRC32',
  'CRC32C',
  'CRC64NVME',
  'SHA1',
  'SHA256',
];

/** An incremental checksum; `digest()` gives the value as S3 writes it (base64 of the big-endian bytes). */
export interface Checksummer {
  readonly algorithm: ChecksumAlgorithm;
  update(chunk: Buffer): void;
  digest(): string;
}

/**
 * Maps a header or trailer name (`x-amz-checksum-crc32c`) or an algorithm name (`crc32c`, `CRC32C`)
 * to the algorithm; undefined when it is none of them.
 *
 * @example
 * checksumAlgorithmOf('x-amz-checksum-sha256'); // 'SHA256'
 */
export function checksumAlgorithmOf(name: string): ChecksumAlgorithm | undefined {
  const upper = name
    .trim()
    .toUpperCase()
    .replace(/^X-AMZ-CHECKSUM-/, '');
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(upper)
    ? (upper as ChecksumAlgorithm)
    : undefined;
}

/** The header (and trailer) name carrying an algorithm's value. */
export function checksumHeaderName(algorithm: ChecksumAlgorithm): string {
  return `x-amz-checksum-${algorithm.toLowerCase()}`;
}

/**
 * Creates an incremental checksum for one algorithm.
 *
 * @example
 * const c = createChecksummer('CRC32C');
 * c.update(Buffer.from('123456789'));
 * c.digest(); // '4waSgw==' (0xe3069283)
 */
export function createChecksummer(algorithm: ChecksumAlgorithm): Checksummer {
  switch (algorithm) {
    case 'SHA1':
    case 'SHA256':
      return hashChecksummer(algorithm, createHash(algorithm === 'SHA1' ? 'sha1' : 'sha256'));
    case 'CRC32': {
      let value = 0;
      return {
        algorithm,
        update: (chunk) => {
          value = crc32(chunk, value);
        },
        digest: () => uint32Base64(value),
      };
    }
    case 'CRC32C': {
      let value = 0xffffffff;
      return {
        algorithm,
        update: (chunk) => {
          value = crc32cUpdate(value, chunk);
        },
        digest: () => uint32Base64((value ^ 0xffffffff) >>> 0),
      };
    }
    case 'CRC64NVME': {
      const state = { hi: 0xffffffff, lo: 0xffffffff };
      return {
        algorithm,
        update: (chunk) => crc64Update(state, chunk),
        digest: () => {
          const out = Buffer.alloc(8);
          out.writeUInt32BE((state.hi ^ 0xffffffff) >>> 0, 0);
          out.writeUInt32BE((state.lo ^ 0xffffffff) >>> 0, 4);
          return out.toString('base64');
        },
      };
    }
  }
}

/** One-shot checksum of a buffer (base64, as S3 writes it). */
export function checksumOf(algorithm: ChecksumAlgorithm, data: Buffer): string {
  const c = createChecksummer(algorithm);
  c.update(data);
  return c.digest();
}

function hashChecksummer(algorithm: ChecksumAlgorithm, hash: Hash): Checksummer {
  return { algorithm, update: (chunk) => hash.update(chunk), digest: () => hash.digest('base64') };
}

function uint32Base64(value: number): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0, 0);
  return out.toString('base64');
}

// CRC32C (Castagnoli, reflected polynomial 0x82f63b78), slicing-by-8 tables.
const CRC32C_TABLES = buildCrc32Tables(0x82f63b78);

function buildCrc32Tables(poly: number): Uint32Array[] {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    tables[0][n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = tables[0][n];
    for (let t = 1; t < 8; t++) {
      c = (tables[0][c & 0xff] ^ (c >>> 8)) >>> 0;
      tables[t][n] = c;
    }
  }
  return tables;
}

function crc32cUpdate(crc: number, data: Buffer): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = CRC32C_TABLES;
  let c = crc >>> 0;
  let i = 0;
  const end8 = data.length - (data.length % 8);
  for (; i < end8; i += 8) {
    const a = (c ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24))) >>> 0;
    c =
      t7[a & 0xff] ^
      t6[(a >>> 8) & 0xff] ^
      t5[(a >>> 16) & 0xff] ^
      t4[a >>> 24] ^
      t3[data[i + 4]] ^
      t2[data[i + 5]] ^
      t1[data[i + 6]] ^
      t0[data[i + 7]];
  }
  for (; i < data.length; i++) c = t0[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return c >>> 0;
}

// CRC64/NVME (reflected polynomial 0x9a6c9329ac4bc9b5), one table split in 32-bit halves.
const CRC64_HI = new Uint32Array(256);
const CRC64_LO = new Uint32Array(256);
(() => {
  const polyHi = 0x9a6c9329;
  const polyLo = 0xac4bc9b5;
  for (let n = 0; n < 256; n++) {
    let hi = 0;
    let lo = n;
    for (let k = 0; k < 8; k++) {
      const lsb = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (lsb) {
        hi = (hi ^ polyHi) >>> 0;
        lo = (lo ^ polyLo) >>> 0;
      }
    }
    CRC64_HI[n] = hi;
    CRC64_LO[n] = lo;
  }
})();

function crc64Update(state: { hi: number; lo: number }, data: Buffer): void {
  let { hi, lo } = state;
  for (let i = 0; i < data.length; i++) {
    const idx = (lo ^ data[i]) & 0xff;
    // (crc >>> 8) ^ table[idx]
    const shiftedLo = ((lo >>> 8) | ((hi & 0xff) << 24)) >>> 0;
    const shiftedHi = hi >>> 8;
    lo = (shiftedLo ^ CRC64_LO[idx]) >>> 0;
    hi = (shiftedHi ^ CRC64_HI[idx]) >>> 0;
  }
  state.hi = hi;
  state.lo = lo;
}
