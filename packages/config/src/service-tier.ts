/** The `service_tier` values OpenAI takes. */
export const SERVICE_TIERS = ['auto', 'default', 'flex', 'scale', 'priority', 'fast'] as const;

/**
 * Default per-request timeout on the flex service tier, which may queue a request for minutes (OpenAI suggests
 * 15 minutes). Applies when neither the model entry nor the call sets a timeout. @unit ms
 */
export const FLEX_TIMEOUT_MS = 900_000;
