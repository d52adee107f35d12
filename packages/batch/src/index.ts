/** @maxllm/batch: placeholder until the package lands. */
export const packageName = '@maxllm/batch';
