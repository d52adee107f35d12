/** @maxllm/config: placeholder until the package lands. */
export const packageName = '@maxllm/config';
