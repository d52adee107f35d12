export { classifyRateLimit } from './classify-rate-limit.js';
export type { ClassifyOptions, RateLimitErrorLike, RateLimitVerdict } from './classify-rate-limit.js';
export type { Clock } from '@maxllm/core';
export { createRateLimiter } from './create-rate-limiter.js';
export { encodingForModel } from './encoding.js';
export type { EncodingName } from './encoding.js';
export {
  InvalidLimitError,
  LimiterBackendError,
  LimiterClosedError,
  OversizedRequestError,
  RateLimiterError,
} from './errors.js';
export {
  IMAGE_TOKENS,
  LOW_DETAIL_IMAGE_TOKENS,
  TOKENS_PER_MESSAGE,
  TOKENS_PER_REPLY,
  estimateChatTokens,
  estimateTextTokens,
} from './estimate-tokens.js';
export type { ChatEstimateOptions, ChatMessageLike, TextInput } from './estimate-tokens.js';
export { createOutputEstimator } from './output-estimator.js';
export type { OutputEstimator, OutputEstimatorOptions } from './output-estimator.js';
export { parseDuration } from './parse-duration.js';
export { readRateLimitHeaders } from './rate-limit-headers.js';
export type { RateLimitHeaders } from './rate-limit-headers.js';
export type {
  AcquireRequest,
  HeadersLike,
  Permit,
  RateLimiter,
  RateLimiterOptions,
  RateLimiterStats,
  RedisClientLike,
  Usage,
} from './types.js';
