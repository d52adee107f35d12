import type { ChatParams, CompletionParams, EmbeddingParams, ResponsesParams } from './body-params';
import type { MaxllmOptions } from './types';

/**
 * The keys of a request that MaxLLM reads itself: never sent as they are. `request-keys.test.ts` checks that this
 * list is exactly `keyof MaxllmOptions`.
 */
export const OWN_KEYS = [
  'model',
  'prompt',
  'systemPrompt',
  'historyMessages',
  'messages',
  'input',
  'api',
  'serviceTier',
  'flexFallbackAfter',
  'jsonMode',
  'jsonFormat',
  'raw',
  'force',
  'meta',
  'requestFlag',
  'callId',
  'signal',
  'callMethod',
  'timeoutMs',
  'extraBody',
] as const satisfies ReadonlyArray<keyof MaxllmOptions>;

/**
 * The body parameters of each endpoint, as the `openai` SDK this package is built against names them. The type test
 * beside this file fails when an SDK upgrade adds or removes a key, so this list cannot drift from the SDK's types.
 */
export const PARAM_KEYS = {
  chat: [
    'audio',
    'frequency_penalty',
    'function_call',
    'functions',
    'logit_bias',
    'logprobs',
    'max_completion_tokens',
    'max_tokens',
    'metadata',
    'modalities',
    'moderation',
    'n',
    'parallel_tool_calls',
    'prediction',
    'presence_penalty',
    'prompt_cache_key',
    'prompt_cache_options',
    'prompt_cache_retention',
    'reasoning_effort',
    'response_format',
    'safety_identifier',
    'seed',
    'service_tier',
    'stop',
    'store',
    'stream_options',
    'temperature',
    'tool_choice',
    'tools',
    'top_logprobs',
    'top_p',
    'user',
    'verbosity',
    'web_search_options',
  ],
  completion: [
    'best_of',
    'echo',
    'frequency_penalty',
    'logit_bias',
    'logprobs',
    'max_tokens',
    'n',
    'presence_penalty',
    'seed',
    'stop',
    'stream_options',
    'suffix',
    'temperature',
    'top_p',
    'user',
  ],
  embedding: ['dimensions', 'encoding_format', 'user'],
  responses: [
    'background',
    'context_management',
    'conversation',
    'include',
    'instructions',
    'max_output_tokens',
    'metadata',
    'moderation',
    'parallel_tool_calls',
    'previous_response_id',
    'prompt_cache_key',
    'prompt_cache_options',
    'prompt_cache_retention',
    'reasoning',
    'safety_identifier',
    'service_tier',
    'store',
    'stream_options',
    'temperature',
    'text',
    'tool_choice',
    'tools',
    'top_logprobs',
    'top_p',
    'truncation',
    'user',
  ],
} as const satisfies {
  chat: ReadonlyArray<keyof ChatParams>;
  completion: ReadonlyArray<keyof CompletionParams>;
  embedding: ReadonlyArray<keyof EmbeddingParams>;
  responses: ReadonlyArray<keyof ResponsesParams>;
};
