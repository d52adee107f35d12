/** Where the ledger reports unknown prices and failed writes. Never receives an API key. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Default logger: warnings and errors to stderr, nothing else. */
export const stderrLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: (message) => console.warn(message),
  error: (message) => console.error(message),
};
