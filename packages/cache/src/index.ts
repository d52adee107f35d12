/** @maxllm/cache: placeholder until the package lands. */
export const packageName = '@maxllm/cache';
