/** @maxllm/cli: placeholder until the package lands. */
export const packageName = '@maxllm/cli';
