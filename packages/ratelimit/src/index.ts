export { classifyRateLimit } from './classify-rate-limit';
export type { ClassifyOptions, RateLimitErrorLike, RateLimitVerdict } from './classify-rate-limit';
export type { Clock } from '@maxllm/core';
export { createRateLimiter } from './create-rate-limiter';
export { encodingForModel } from './encoding';
export type { EncodingName } from './encoding';
export {
  InvalidLimitError,
  LimiterBackendError,
  LimiterClosedError,
  OversizedRequestError,
  RateLimiterError,
} from './errors';
export {
  IMAGE_TOKENS,
  LOW_DETAIL_IMAGE_TOKENS,
  TOKENS_PER_MESSAGE,
  TOKENS_PER_REPLY,
  estimateChatTokens,
  estimateTextTokens,
} from './estimate-tokens';
export type { ChatEstimateOptions, ChatMessageLike, TextInput } from './estimate-tokens';
export { createOutputEstimator } from './output-estimator';
export type { OutputEstimator, OutputEstimatorOptions } from './output-estimator';
export { parseDuration } from './parse-duration';
export { readRateLimitHeaders } from './rate-limit-headers';
export type { RateLimitHeaders } from './rate-limit-headers';
export type {
  AcquireRequest,
  HeadersLike,
  Permit,
  RateLimiter,
  RateLimiterOptions,
  RateLimiterStats,
  RedisClientLike,
  Usage,
} from './types';
