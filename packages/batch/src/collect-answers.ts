import { join } from 'node:path';
import type { LineSource, OnlineRecord } from './assemble-results';
import type { OutputLine } from './output-line';
import { readJsonLines } from './task-log';
import type { JobRecord } from './types';

/** Path of a downloaded output or error file inside the workspace. */
export function downloadPath(workspace: string, fileId: string): string {
  return join(workspace, 'downloads', `${fileId.replace(/[^\w.-]/g, '_')}.jsonl`);
}

/**
 * Reads every downloaded output and error line, keyed by enqueue index; a later retry round's line replaces an
 * earlier one. Also reads `online.jsonl` (online retries; later lines win).
 */
export async function collectAnswers(
  workspace: string,
  jobs: readonly JobRecord[],
): Promise<{ answers: Map<number, LineSource>; online: Map<number, OnlineRecord> }> {
  const answers = new Map<number, LineSource>();
  for (const job of [...jobs].sort((a, b) => a.round - b.round)) {
    for (const fileId of [job.outputFileId, job.errorFileId]) {
      if (fileId === undefined) continue;
      for await (const line of readJsonLines<OutputLine>(downloadPath(workspace, fileId))) {
        answers.set(Number(line.custom_id), { line, job });
      }
    }
  }
  const online = new Map<number, OnlineRecord>();
  for await (const record of readJsonLines<OnlineRecord>(join(workspace, 'online.jsonl'))) {
    online.set(Number(record.customId), record);
  }
  return { answers, online };
}
