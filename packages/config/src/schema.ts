import { z } from 'zod';
import { SERVICE_TIERS } from './service-tier';

const positive = z.number().positive('must be a positive number');
const nonNegative = z.number().nonnegative('must be zero or more');
const optionalPositive = positive.nullish();
/** The limiter admits whole requests and tokens per minute: below 1 it could never admit one (see `@maxllm/ratelimit`). */
const perMinute = (unit: string) =>
  z
    .number()
    .min(1, `must be at least 1 (${unit} per minute; MaxLLM cannot pace a rate below one per minute)`)
    .nullish();
const optionalRpm = perMinute('requests');
const optionalTpm = perMinute('tokens');
const optionalPrice = nonNegative.nullish();

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** `litellm_params` of a `model_list` entry. Unknown keys pass through (and produce a warning). */
export const litellmParamsSchema = z.looseObject({
  model: z.string().nullable(),
  model_unique_name: z.string().nullish(),
  api_base: z.string().nullish(),
  provider: z.string().nullish(),
  api_key: z.string().nullish(),
  rpm: optionalRpm,
  tpm: optionalTpm,
  concurrency: z.number().int('must be a whole number').nonnegative('must be zero or more').nullish(),
  weight: optionalPositive,
  timeout: optionalPositive,
  burst: nonNegative.nullish(),
  max_retries: z.number().int('must be a whole number').nonnegative('must be zero or more').nullish(),
  local: z.boolean().nullish(),
  mode: z.enum(['chat', 'embedding', 'completion'], 'must be one of chat, embedding, completion').nullish(),
  api: z.enum(['chat', 'responses'], 'must be chat or responses').nullish(),
  service_tier: z.enum(SERVICE_TIERS, `must be one of ${SERVICE_TIERS.join(', ')}`).nullish(),
  input_cost_per_million: optionalPrice,
  output_cost_per_million: optionalPrice,
  cached_input_cost_per_million: optionalPrice,
  input_cost_per_token: optionalPrice,
  output_cost_per_token: optionalPrice,
  cache_read_input_token_cost: optionalPrice,
  kvcache_tokens: optionalPositive,
  custom_llm_provider: z.unknown().optional(),
});

/** Validated `litellm_params`. */
export type LitellmParams = z.infer<typeof litellmParamsSchema>;

/** A `model_list` item. Items without `model_name` are errors, except anchored ones (`&base`), which are skipped. */
export const modelEntrySchema = z.looseObject({
  model_name: z.string(),
  litellm_params: litellmParamsSchema,
  model_info: z.unknown().optional(),
});

/** One `rate_limit.default` or `rate_limit.custom_limits` item. */
export const rateLimitEntrySchema = z.looseObject({
  model_name: z.string(),
  rpm: optionalRpm,
  tpm: optionalTpm,
  rpm_upper_bound: optionalRpm,
  tpm_upper_bound: optionalTpm,
});

/** Validated rate-limit item. */
export type RateLimitEntry = z.infer<typeof rateLimitEntrySchema>;

/** The whole file. `model_list` items are validated one by one (see {@link modelEntrySchema}). */
export const configFileSchema = z.looseObject({
  model_list: z.array(z.unknown()).optional(),
  rate_limit: z
    .looseObject({
      default: z.array(rateLimitEntrySchema).nullish(),
      custom_limits: z.array(rateLimitEntrySchema).nullish(),
      redis_url: z.string().nullish(),
    })
    .nullish(),
  ledger: z.looseObject({ previews: z.boolean().nullish() }).nullish(),
  budget: z
    .looseObject({
      max_usd_per_run: optionalPrice,
      max_usd_per_day: optionalPrice,
      time_zone: z
        .string()
        .refine(isTimeZone, 'must be an IANA time zone such as UTC or Europe/Paris')
        .nullish(),
      allow_unpriced: z.boolean().nullish(),
      models: z
        .record(z.string(), z.looseObject({ max_usd_per_run: optionalPrice, max_usd_per_day: optionalPrice }))
        .nullish(),
    })
    .nullish(),
});

/** Validated file, before `model_list` items are checked. */
export type ConfigFile = z.infer<typeof configFileSchema>;

/** Keys each mapping may hold; others produce an "unknown key" warning. */
export const knownKeys = {
  root: ['model_list', 'rate_limit', 'ledger', 'budget'],
  modelEntry: Object.keys(modelEntrySchema.shape),
  litellmParams: Object.keys(litellmParamsSchema.shape),
  rateLimit: ['default', 'custom_limits', 'redis_url'],
  rateLimitEntry: Object.keys(rateLimitEntrySchema.shape),
  ledger: ['previews'],
  budget: ['max_usd_per_run', 'max_usd_per_day', 'time_zone', 'allow_unpriced', 'models'],
  budgetModel: ['max_usd_per_run', 'max_usd_per_day'],
} as const;
