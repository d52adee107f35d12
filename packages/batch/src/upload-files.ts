import { mkdir, open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskRecord } from './task-log';
import type { BatchLimits, JobRecord } from './types';

/** What one upload file may hold. */
export type ResolvedLimits = Required<BatchLimits>;

interface OpenPart {
  file: string;
  handle: FileHandle;
  endpoint: string;
  requests: number;
  bytes: number;
  tokens: number;
  ranges: [number, number][];
  buffer: string[];
  bufferedBytes: number;
}

const WRITE_CHUNK = 1 << 20;

/**
 * Writes the Batch API input files for the selected tasks into `<workspace>/uploads/`, one file per endpoint and per
 * limit (requests, bytes, estimated tokens), streaming the tasks so memory stays bounded. Each file is fsynced.
 * @returns one job record (without file or job id yet) per file, in creation order.
 */
export async function writeUploadFiles(options: {
  workspace: string;
  /** File name prefix (the workspace name), so uploaded files can be recognised after a crash. */
  prefix?: string;
  round: number;
  tasks: AsyncIterable<TaskRecord>;
  include(task: TaskRecord): boolean;
  limits: ResolvedLimits;
}): Promise<JobRecord[]> {
  const { workspace, round, limits } = options;
  await mkdir(join(workspace, 'uploads'), { recursive: true, mode: 0o700 });
  const open_ = new Map<string, OpenPart>();
  const done: JobRecord[] = [];
  let partNumber = 0;

  const finish = async (part: OpenPart): Promise<void> => {
    await part.handle.write(part.buffer.join(''));
    await part.handle.sync();
    await part.handle.close();
    const { file, endpoint, requests, bytes, tokens, ranges } = part;
    done.push({ file, round, endpoint, requests, bytes, tokens, ranges });
  };

  for await (const task of options.tasks) {
    if (!options.include(task)) continue;
    const line = `${JSON.stringify({ custom_id: task.customId, method: 'POST', url: task.endpoint, body: task.body })}\n`;
    const bytes = Buffer.byteLength(line);
    let part = open_.get(task.endpoint);
    if (
      part &&
      (part.requests + 1 > limits.maxRequestsPerFile ||
        part.bytes + bytes > limits.maxBytesPerFile ||
        part.tokens + task.tokens > limits.maxTokensPerBatch)
    ) {
      await finish(part);
      part = undefined;
    }
    if (!part) {
      const file = `uploads/${options.prefix ? `${options.prefix}-` : ''}r${round}-p${partNumber++}.jsonl`;
      part = {
        file,
        handle: await open(join(workspace, file), 'w', 0o600),
        endpoint: task.endpoint,
        requests: 0,
        bytes: 0,
        tokens: 0,
        ranges: [],
        buffer: [],
        bufferedBytes: 0,
      };
      open_.set(task.endpoint, part);
    }
    part.requests += 1;
    part.bytes += bytes;
    part.tokens += task.tokens;
    addToRanges(part.ranges, Number(task.customId));
    part.buffer.push(line);
    part.bufferedBytes += bytes;
    if (part.bufferedBytes >= WRITE_CHUNK) {
      await part.handle.write(part.buffer.join(''));
      part.buffer = [];
      part.bufferedBytes = 0;
    }
  }
  for (const part of open_.values()) await finish(part);
  return done;
}

function addToRanges(ranges: [number, number][], index: number): void {
  const last = ranges.at(-1);
  if (last && last[1] + 1 === index) last[1] = index;
  else ranges.push([index, index]);
}

/** True when `index` is inside one of the inclusive ranges. */
export function inRanges(ranges: readonly (readonly [number, number])[], index: number): boolean {
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const range = ranges[middle]!;
    if (index < range[0]) high = middle - 1;
    else if (index > range[1]) low = middle + 1;
    else return true;
  }
  return false;
}
