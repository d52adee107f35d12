import type OpenAI from 'openai';

/** How far back to look: objects created before the workspace (minus clock skew) cannot be ours. */
const SKEW_SECONDS = 300;
/** Objects examined at most per lookup. */
const MAX_SCANNED = 1000;

/**
 * After an interrupted upload: the id of a file this workspace already uploaded (same name and size, created after
 * the workspace), so it is not uploaded twice. `undefined` when none is found or the provider cannot list files.
 */
export async function findUploadedFile(
  openai: OpenAI,
  filename: string,
  bytes: number,
  since: number,
): Promise<string | undefined> {
  try {
    let scanned = 0;
    for await (const file of openai.files.list({ purpose: 'batch', order: 'desc', limit: 100 })) {
      if (file.created_at < since / 1000 - SKEW_SECONDS || ++scanned > MAX_SCANNED) return undefined;
      if (file.filename === filename && file.bytes === bytes) return file.id;
    }
  } catch {
    // listing is an optimisation: without it the file is uploaded again
  }
  return undefined;
}

/**
 * After an interrupted upload: a batch job already created from `inputFileId`, so the requests do not run twice.
 * `undefined` when none is found or the provider cannot list batches.
 */
export async function findCreatedBatch(
  openai: OpenAI,
  inputFileId: string,
  since: number,
): Promise<OpenAI.Batches.Batch | undefined> {
  try {
    let scanned = 0;
    for await (const batch of openai.batches.list({ limit: 100 })) {
      if (batch.created_at < since / 1000 - SKEW_SECONDS || ++scanned > MAX_SCANNED) return undefined;
      if (batch.input_file_id === inputFileId) return batch;
    }
  } catch {
    // listing is an optimisation: without it the job is created again
  }
  return undefined;
}
