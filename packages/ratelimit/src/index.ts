/** @maxllm/ratelimit: placeholder until the package lands. */
export const packageName = '@maxllm/ratelimit';
