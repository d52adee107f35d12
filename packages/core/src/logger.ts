/** Where MaxLLM packages send diagnostics. Every message is one line of plain text and never holds an API key. */
export interface Logger {
  /** Detail useful when debugging (resolved models, files read, retries). */
  debug(message: string): void;
  /** Normal events (which config file was loaded). */
  info(message: string): void;
  /** Something is probably wrong or was repaired, and work continues (unknown config key, corrupt cache entry). */
  warn(message: string): void;
  /** Something failed. */
  error(message: string): void;
}

/**
 * The default logger of every MaxLLM package: warnings and errors to stderr as `[maxllm] warn: <message>` /
 * `[maxllm] error: <message>`; debug and info are dropped.
 */
export const stderrLogger: Logger = {
  debug() {},
  info() {},
  warn(message) {
    process.stderr.write(`[maxllm] warn: ${message}\n`);
  },
  error(message) {
    process.stderr.write(`[maxllm] error: ${message}\n`);
  },
};

/** A logger that drops everything (for callers that report through other means). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
