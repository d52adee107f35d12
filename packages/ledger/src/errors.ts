import { MaxllmError } from '@maxllm/core';

/**
 * Base class of every error thrown by `@maxllm/ledger`. `LedgerError.isInstance(e)` is true for these errors only (each
 * subclass's `isInstance` for that subclass only), across duplicated installs; `MaxllmError.isInstance(e)` for any.
 */
export class LedgerError extends MaxllmError {
  static override readonly brand: string = 'maxllm.ledger.LedgerError';
}

/** `record()` was called after `close()`. */
export class LedgerClosedError extends LedgerError {
  static override readonly brand: string = 'maxllm.ledger.LedgerClosedError';
}

/**
 * Rows could not be appended to the CSV file; `cause` holds the file-system error (`ENOSPC`, `EACCES`, `ENOTDIR`...).
 * The rows stay buffered: a later `flush()` writes them if the file becomes writable again.
 */
export class LedgerWriteError extends LedgerError {
  static override readonly brand: string = 'maxllm.ledger.LedgerWriteError';

  constructor(
    message: string,
    /** The CSV file that could not be written. */
    readonly path: string,
    /** Rows not written. */
    readonly rows: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A budget option is out of range: the message names it and the value. */
export class InvalidBudgetError extends LedgerError {
  static override readonly brand: string = 'maxllm.ledger.InvalidBudgetError';
}

/** The shared budget store (Redis) failed; `cause` holds the client's error. */
export class BudgetBackendError extends LedgerError {
  static override readonly brand: string = 'maxllm.ledger.BudgetBackendError';
}

/** Facts of a refused call. */
export interface BudgetExceededDetails {
  /** The model of the refused call. */
  model: string;
  /** The cap that had no room. */
  cap: { maxUsd: number; period: 'run' | 'day'; model?: string };
  /** The cap's day, for a `day` cap. */
  day?: string | undefined;
  /** The call's worst-case cost. @unit USD */
  requestedUsd: number;
  /** Spent under the cap so far. @unit USD */
  spentUsd: number;
  /** Held by calls in flight. @unit USD */
  reservedUsd: number;
}

/** Options of {@link BudgetExceededError}: a message of its own replaces the generated one. */
export interface BudgetExceededOptions extends ErrorOptions {
  message?: string;
}

/** A call was refused before it was sent: its worst-case cost could cross a budget cap. Nothing was sent. */
export class BudgetExceededError extends LedgerError {
  static override readonly brand: string = 'maxllm.ledger.BudgetExceededError';

  readonly details: BudgetExceededDetails;

  constructor(details: BudgetExceededDetails, options?: BudgetExceededOptions) {
    const { cap } = details;
    const scope = `${cap.period === 'day' ? `daily (${details.day ?? 'today'})` : 'per-run'} budget${cap.model === undefined ? '' : ` for ${cap.model}`}`;
    const left = Math.max(0, cap.maxUsd - details.spentUsd - details.reservedUsd);
    super(
      options?.message ??
        `Budget reached: a ${details.model} call may cost up to $${usd(details.requestedUsd)}, but the ${scope} of ` +
          `$${usd(cap.maxUsd)} has $${usd(left)} left ($${usd(details.spentUsd)} spent, ` +
          `$${usd(details.reservedUsd)} held by calls in flight). Nothing was sent.`,
      options,
    );
    this.details = details;
  }
}

function usd(value: number): string {
  return value >= 1 ? value.toFixed(2) : value.toPrecision(3);
}

/**
 * A call was refused before it was sent because its model has no known price and a budget covers it (its cost
 * could not be held). Set `allow_unpriced` (config) or `allowUnpriced` (client option) to let such calls through.
 */
export class UnpricedUnderBudgetError extends BudgetExceededError {
  static override readonly brand: string = 'maxllm.ledger.UnpricedUnderBudgetError';
}
