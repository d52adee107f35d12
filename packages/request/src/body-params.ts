import type OpenAI from 'openai';

/**
 * Body fields MaxLLM fills in itself: `model` (the config's API model id), the messages / prompt / input built from
 * the request's own options, and `stream` (`complete()` or `stream()` decide it).
 */
type Filled = 'model' | 'messages' | 'prompt' | 'input' | 'stream';

/** Chat Completions parameters (`temperature`, `tools`, `reasoning_effort`, ...), typed by the installed `openai` SDK. */
export type ChatParams = Omit<OpenAI.Chat.ChatCompletionCreateParamsNonStreaming, Filled>;

/** Legacy Completions parameters (`echo`, `logprobs`, `suffix`, ...), typed by the installed `openai` SDK. */
export type CompletionParams = Omit<OpenAI.CompletionCreateParamsNonStreaming, Filled>;

/** Embeddings parameters (`dimensions`, `encoding_format`, `user`), typed by the installed `openai` SDK. */
export type EmbeddingParams = Omit<OpenAI.EmbeddingCreateParams, Filled>;

/** Responses API parameters (`reasoning`, `text`, `max_output_tokens`, ...), typed by the installed `openai` SDK. */
export type ResponsesParams = Omit<OpenAI.Responses.ResponseCreateParamsNonStreaming, Filled>;

/** The keys of every member of a union (`keyof` of a union gives only the keys they share). */
export type KeysOf<T> = T extends unknown ? keyof T : never;

/** The types `K` has in the members of `T` that have it. */
type ValueAt<T, K extends PropertyKey> = T extends unknown ? (K extends keyof T ? T[K] : never) : never;

type EndpointParams = ChatParams | CompletionParams | EmbeddingParams | ResponsesParams;

/**
 * The body parameters of any endpoint a request may go to, in one shape: each key of any endpoint's parameters,
 * typed as the union of its types there (`logprobs`: chat's `boolean` or completions' `number`). One object type, not
 * a union, so that a key no endpoint takes is an excess-property error and a value of a type no endpoint accepts
 * (`temperature: 'hot'`) is an error too (against a union, it would pass as a member that lacks the key).
 */
export type BodyParams = { [K in KeysOf<EndpointParams>]?: ValueAt<EndpointParams, K> };
