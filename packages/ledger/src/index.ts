/** @maxllm/ledger: placeholder until the package lands. */
export const packageName = '@maxllm/ledger';
