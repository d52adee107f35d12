/** Where the cache reports what it repaired (corrupt entries). */
export interface Logger {
  /** Detail for debugging (unused by the cache today). */
  debug(message: string): void;
  /** Progress worth knowing (unused by the cache today). */
  info(message: string): void;
  /** Something was wrong and was repaired: a corrupt entry found and removed. */
  warn(message: string): void;
  /** Something failed. */
  error(message: string): void;
}

/** Default logger: warnings and errors to stderr, nothing else. */
export const stderrLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: (message) => console.warn(message),
  error: (message) => console.error(message),
};
