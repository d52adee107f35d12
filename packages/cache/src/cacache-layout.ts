import { hash as digest } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * cacache's on-disk format, read synchronously: `cacache.get` costs several thread-pool round trips per call (~4,000
 * gets/s here), two `readFileSync` calls cost ~25 µs. Writes follow the same format (`cacache-writer.ts`); deletions
 * and maintenance go through cacache itself. The format versions come from the installed cacache, and the tests read
 * entries that cacache wrote (and have cacache read ours), so a layout change fails the suite rather than the cache.
 */
const versions = layoutVersions();

function layoutVersions(): { index: string; content: string } {
  try {
    const manifest = createRequire(import.meta.url)('cacache/package.json') as {
      'cache-version': { index: string; content: string };
    };
    return manifest['cache-version'];
  } catch {
    return { index: '5', content: '2' }; // cacache 20, for bundles where its package.json cannot be resolved
  }
}

/** One index line as cacache writes it. */
export interface IndexRecord {
  key: string;
  integrity: string;
  size?: number;
  /** When it was stored. @unit ms since the epoch */
  time: number;
  metadata?: { namespace?: string; expiresAt?: number };
}

/** The newest record for a key in its bucket, and whether a damaged line was found before reaching it. */
export interface BucketLookup {
  record: IndexRecord | undefined;
  damaged: boolean;
}

/** Hex digest of `text`, as cacache hashes keys (sha256) and index lines (sha1). */
export function hash(text: string, algorithm: string): string {
  return digest(algorithm, text, 'hex');
}

/** The index bucket file that holds `key`'s lines: `index-v5/<sha256[0:2]>/<sha256[2:4]>/<sha256[4:]>`. */
export function bucketPath(dir: string, key: string): string {
  const hashed = hash(key, 'sha256');
  return join(dir, `index-v${versions.index}`, hashed.slice(0, 2), hashed.slice(2, 4), hashed.slice(4));
}

/** Newest line first, as cacache does: a line whose SHA-1 does not match is damaged; a null integrity deletes. */
export function parseBucket(text: string, key: string): BucketLookup {
  const lines = text.split('\n');
  let damaged = false;
  for (let index = lines.length - 1; index >= 0; index--) {
    const line = lines[index];
    if (!line) continue;
    const tab = line.indexOf('\t');
    const json = line.slice(tab + 1);
    let record: IndexRecord | undefined;
    try {
      if (tab > 0 && hash(json, 'sha1') === line.slice(0, tab)) record = JSON.parse(json) as IndexRecord;
    } catch {
      record = undefined;
    }
    if (record === undefined || typeof record !== 'object' || record === null) {
      damaged = true;
      continue;
    }
    if (record.key !== key) continue;
    return { record: record.integrity ? record : undefined, damaged };
  }
  return { record: undefined, damaged };
}

/** The bucket lookup for `key`, or `undefined` when no entry was ever written under it. */
export function readBucketSync(dir: string, key: string): BucketLookup | undefined {
  const file = bucketPath(dir, key);
  let text: string;
  try {
    // A miss is the common case on a cold cache: look without paying for an ENOENT exception.
    if (!statSync(file, { throwIfNoEntry: false })) return undefined;
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  return parseBucket(text, key);
}

/** {@link readBucketSync} through the thread pool (used to re-read a bucket that looked damaged). */
export async function readBucket(dir: string, key: string): Promise<BucketLookup | undefined> {
  let text: string;
  try {
    text = await readFile(bucketPath(dir, key), 'utf8');
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  return parseBucket(text, key);
}

const singleHash = /^(sha512|sha384|sha256|sha1)-([A-Za-z0-9+/]+={0,2})$/;

/** The content file of a single-hash integrity string, or `undefined` for anything else (left to cacache). */
export function contentPath(dir: string, integrity: string): string | undefined {
  const match = singleHash.exec(integrity);
  if (!match?.[1] || !match[2]) return undefined;
  return contentFile(dir, match[1], Buffer.from(match[2], 'base64').toString('hex'));
}

/** The content file of a digest: `content-v2/<algorithm>/<hex[0:2]>/<hex[2:4]>/<hex[4:]>`. */
export function contentFile(dir: string, algorithm: string, hex: string): string {
  return join(dir, `content-v${versions.content}`, algorithm, hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
}

/** Whether `data` hashes to `integrity` (a single-hash string accepted by {@link contentPath}). */
export function matchesIntegrity(data: Buffer, integrity: string): boolean {
  const match = singleHash.exec(integrity);
  if (!match?.[1] || !match[2]) return false;
  return digest(match[1], data, 'base64') === match[2];
}

/** `ENOENT` / `ENOTDIR`. */
export function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
