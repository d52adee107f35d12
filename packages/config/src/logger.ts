/** Where MaxLLM packages send diagnostics. Every message is one line of plain text and never holds an API key. */
export interface Logger {
  /** Detail useful when debugging (resolved models, files read). */
  debug(message: string): void;
  /** Normal events (which config file was loaded). */
  info(message: string): void;
  /** Something is probably wrong but work continues (unknown config keys). */
  warn(message: string): void;
  /** Something failed. */
  error(message: string): void;
}

/** The default logger: warnings and errors to stderr with a `[maxllm]` prefix, debug and info dropped. */
export const defaultLogger: Logger = {
  debug() {},
  info() {},
  warn(message) {
    process.stderr.write(`[maxllm] warn: ${message}\n`);
  },
  error(message) {
    process.stderr.write(`[maxllm] error: ${message}\n`);
  },
};
