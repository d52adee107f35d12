/** @maxllm/request: placeholder until the package lands. */
export const packageName = '@maxllm/request';
