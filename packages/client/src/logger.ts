/** Where the client reports what it does. Messages never contain an API key. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Default logger: warnings and errors to stderr with a `[maxllm]` prefix (as `@maxllm/config`), nothing else. */
export const stderrLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: (message) => process.stderr.write(`[maxllm] warn: ${message}\n`),
  error: (message) => process.stderr.write(`[maxllm] error: ${message}\n`),
};
