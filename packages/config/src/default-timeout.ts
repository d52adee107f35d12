/**
 * Default per-attempt timeout of a request whose model entry sets no `timeout` (off the flex tier): 10 minutes,
 * long enough for a high-effort reasoning answer of several minutes. Shorter would cut such answers off and pay for
 * them again on the retry; a server that hangs is still given up on after this, and `maxllm run` shows the age of
 * its oldest request in flight meanwhile. Set `timeout:` (seconds) on a model entry to change it. @unit ms
 */
export const DEFAULT_TIMEOUT_MS = 600_000;
