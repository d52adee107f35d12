/**
 * Where budget counters live. Amounts are integers in nano-USD (1e-9 USD), so sums are exact.
 * One store serves every cap of a budget: a call's reservation is checked against all its caps and taken on all of
 * them in one step, or on none.
 */
export interface BudgetStore {
  /**
   * Takes `amount` on every key if each key's `spent + reserved + amount <= cap`; else takes nothing and says which
   * key refused. A key seen for the first time starts with `spent = seed`.
   */
  reserve(id: string, keys: readonly BudgetKey[], amount: number): Promise<ReserveReply>;
  /** Ends reservation `id` on each key: its amount leaves `reserved`, and `actual` is added to `spent`. */
  settle(id: string, keys: readonly BudgetKey[], actual: number): Promise<void>;
  /** The counters of `keys` as they stand (a key never used reads as its seed spent, nothing reserved). */
  read(keys: readonly BudgetKey[]): Promise<BudgetCounter[]>;
  /** Releases connections or timers (a no-op for the memory store). */
  close(): Promise<void>;
}

/** One counter: a cap over one scope (all models or one) and one period (this run, or one calendar day). */
export interface BudgetKey {
  /** Unique name of the counter, e.g. `day:2026-11-30:gpt-4o-mini`. */
  name: string;
  /** @unit nano-USD */
  cap: number;
  /** Spend on record before this process first used the counter (today's ledger rows). @unit nano-USD */
  seed: number;
}

/** A counter's state. */
export interface BudgetCounter {
  /** @unit nano-USD */
  spent: number;
  /** Worst-case cost of calls in flight. @unit nano-USD */
  reserved: number;
}

/** `ok`, or the first key that had no room and its counter at that moment. */
export type ReserveReply = { ok: true } | { ok: false; key: BudgetKey; counter: BudgetCounter };

/** Amounts in the store are integers of this unit. */
export const NANO_PER_USD = 1_000_000_000;

/** USD to the store's integer unit, rounded up so a reservation never under-counts. */
export function toNano(usd: number): number {
  return Math.ceil(usd * NANO_PER_USD - 1e-6);
}
