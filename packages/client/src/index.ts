/** @maxllm/client: placeholder until the package lands. */
export const packageName = '@maxllm/client';
