const marker = Symbol.for('maxllm.error');

/** Base class of every error thrown by `@maxllm/ledger`. */
export class LedgerError extends Error {
  readonly [marker] = true;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }

  /** True for any MaxLLM error (from any package, any copy of it), not only this package's. */
  static isInstance(value: unknown): value is LedgerError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}

/** `record()` was called after `close()`. */
export class LedgerClosedError extends LedgerError {}

/** Appending buffered rows to the CSV file failed; `cause` holds the file-system error. */
export class LedgerWriteError extends LedgerError {
  constructor(
    message: string,
    /** The CSV file that could not be written. */
    readonly path: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
