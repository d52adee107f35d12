// The resolved model the child processes of the resume tests use: a chat model at the mock server `url`.
export function childModel(url) {
  return {
    alias: 'chat',
    model: 'gpt-4o-mini',
    uniqueName: 'gpt-4o-mini',
    apiBase: url,
    mode: 'chat',
    prices: { inputPerMillion: 2, outputPerMillion: 8 },
  };
}
