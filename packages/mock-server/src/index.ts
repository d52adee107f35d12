/** @maxllm/mock-server: placeholder until the package lands. */
export const packageName = '@maxllm/mock-server';
