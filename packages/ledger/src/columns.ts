/** CSV columns in file order: the original library's, then MaxLLM's additions. */
export const ledgerColumns = [
  'timestamp',
  'model',
  'system_prompt_preview',
  'prompt_preview',
  'completion_preview',
  'input_tokens',
  'output_tokens',
  'estimated_input_tokens',
  'estimated_output_tokens',
  'total_tokens',
  'cost_input_usd',
  'cost_output_usd',
  'cost_total_usd',
  'latency_sec',
  'unique_name',
  'cached_input_tokens',
  'reasoning_tokens',
  'cache_hit',
  'batch',
  'status',
  'request_id',
  'price_source',
  'cache_write_tokens',
  'service_tier',
  'call_id',
] as const;

/** One CSV column name. */
export type LedgerColumn = (typeof ledgerColumns)[number];

/** One CSV row as strings (empty string = unknown). */
export type LedgerRow = Record<LedgerColumn, string>;
