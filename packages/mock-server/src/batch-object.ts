import type { BatchLineError } from './batch-lines';

/** Batch endpoints the mock accepts. */
export const BATCH_ENDPOINTS = ['/v1/chat/completions', '/v1/embeddings', '/v1/completions', '/v1/responses'];

/** Runs one batch line through the online handler: the response body and its usage, or a MockRequestError. */
export type LineExecutor = (
  endpoint: string,
  body: Record<string, unknown>,
) => { body: Record<string, unknown>; promptTokens: number; completionTokens: number };

/** The states of a batch. */
export type BatchStatus =
  | 'validating'
  | 'failed'
  | 'in_progress'
  | 'finalizing'
  | 'completed'
  | 'expired'
  | 'cancelling'
  | 'cancelled';

/** The `Batch` object as the API returns it (unset timestamps and file ids are left out). */
export interface BatchObject {
  id: string;
  object: 'batch';
  endpoint: string;
  model?: string;
  errors?: { object: 'list'; data: BatchLineError[] };
  input_file_id: string;
  completion_window: string;
  status: BatchStatus;
  output_file_id?: string;
  error_file_id?: string;
  created_at: number;
  in_progress_at?: number;
  expires_at: number;
  finalizing_at?: number;
  completed_at?: number;
  failed_at?: number;
  expired_at?: number;
  cancelling_at?: number;
  cancelled_at?: number;
  request_counts: { total: number; completed: number; failed: number };
  usage?: {
    input_tokens: number;
    input_tokens_details: { cached_tokens: number };
    output_tokens: number;
    output_tokens_details: { reasoning_tokens: number };
    total_tokens: number;
  };
  metadata: Record<string, string> | null;
}
