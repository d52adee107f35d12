import { crc32 } from 'node:zlib';

/**
 * One record of a pack file (`pack-file.ts`), little-endian:
 *
 * | bytes | field                                                                      |
 * | ----- | -------------------------------------------------------------------------- |
 * | 0–3   | magic `FF 4D 58 50` (`0xFF` never occurs in UTF-8 text, so JSON cannot fake it) |
 * | 4–7   | total length of the record, header included                                |
 * | 8–11  | CRC-32 of bytes 12 … end                                                   |
 * | 12    | format version (1)                                                         |
 * | 13    | flags: 1 = tombstone (the key was deleted; no payload)                     |
 * | 14–15 | length of the key in bytes                                                 |
 * | 16–23 | write time, ms since the epoch (float64)                                   |
 * | 24–31 | expiry, ms since the epoch (float64; NaN = never)                          |
 * | 32…   | the storage key (`namespace NUL key`, UTF-8), then the entry's JSON (UTF-8) |
 *
 * A record is written with one `write` on an `O_APPEND` descriptor, so it is on disk whole or (after a crash mid-write
 * or a full disk) torn; a torn record fails its length or CRC check and is skipped, never served.
 */
export const HEADER_BYTES = 32;
const MAGIC = 0x50584dff; // FF 4D 58 50 read as a little-endian uint32
export const MAGIC_BYTES = Buffer.from([0xff, 0x4d, 0x58, 0x50]);
const VERSION = 1;
const TOMBSTONE = 1;

/** What a record says, without its payload decoded. */
export interface RecordHeader {
  total: number;
  tombstone: boolean;
  time: number;
  expiresAt: number | undefined;
  /** Byte range of the storage key in the buffer the record was read from. */
  keyStart: number;
  keyEnd: number;
}

/** Encodes one record. `json` undefined makes a tombstone. */
export function encodeRecord(
  storageKey: string,
  json: string | undefined,
  time: number,
  expiresAt: number | undefined,
): Buffer {
  const keyBytes = Buffer.byteLength(storageKey, 'utf8');
  if (keyBytes > 0xffff) throw new RangeError(`cache key of ${keyBytes} bytes is over 65,535`);
  const payloadBytes = json === undefined ? 0 : Buffer.byteLength(json, 'utf8');
  const total = HEADER_BYTES + keyBytes + payloadBytes;
  if (total > 0xffffffff) throw new RangeError(`cache entry of ${total} bytes is over 4 GiB`);
  const buffer = Buffer.allocUnsafe(total);
  buffer.writeUInt32LE(MAGIC, 0);
  buffer.writeUInt32LE(total, 4);
  buffer.writeUInt8(VERSION, 12);
  buffer.writeUInt8(json === undefined ? TOMBSTONE : 0, 13);
  buffer.writeUInt16LE(keyBytes, 14);
  buffer.writeDoubleLE(time, 16);
  buffer.writeDoubleLE(expiresAt ?? Number.NaN, 24);
  buffer.write(storageKey, HEADER_BYTES, keyBytes, 'utf8');
  if (json !== undefined) buffer.write(json, HEADER_BYTES + keyBytes, payloadBytes, 'utf8');
  buffer.writeUInt32LE(crc32(buffer.subarray(12)), 8);
  return buffer;
}

/**
 * The header of the record at `at` in `buffer` when a whole, valid record is there (magic, a length that fits in
 * `available` bytes, matching CRC, known version); otherwise `undefined`.
 */
export function checkRecord(buffer: Buffer, at: number, available: number): RecordHeader | undefined {
  if (available < HEADER_BYTES || buffer.readUInt32LE(at) !== MAGIC) return undefined;
  const total = buffer.readUInt32LE(at + 4);
  const keyLength = buffer.readUInt16LE(at + 14);
  if (total < HEADER_BYTES + keyLength || total > available) return undefined;
  if (buffer[at + 12] !== VERSION) return undefined;
  if (crc32(buffer.subarray(at + 12, at + total)) !== buffer.readUInt32LE(at + 8)) return undefined;
  const expiresAt = buffer.readDoubleLE(at + 24);
  return {
    total,
    tombstone: (buffer[at + 13]! & TOMBSTONE) !== 0,
    time: buffer.readDoubleLE(at + 16),
    expiresAt: Number.isNaN(expiresAt) ? undefined : expiresAt,
    keyStart: at + HEADER_BYTES,
    keyEnd: at + HEADER_BYTES + keyLength,
  };
}

/** The total length a record at `at` claims (0 when no magic is there). Needs 8 readable bytes. */
export function claimedLength(buffer: Buffer, at: number): number {
  return buffer.readUInt32LE(at) === MAGIC ? buffer.readUInt32LE(at + 4) : 0;
}
