import { randomUUID } from 'node:crypto';
import { NANO_PER_USD, toNano, type BudgetKey, type BudgetStore } from './budget-store';
import { BudgetExceededError, InvalidBudgetError } from './errors';
import { createMemoryBudgetStore } from './memory-budget-store';

/** One spending cap. */
export interface BudgetCap {
  /** The most that may be spent in the period. @unit USD */
  maxUsd: number;
  /** `run`: from this budget's creation (one process); `day`: one calendar day in the budget's time zone. */
  period: 'run' | 'day';
  /** Only calls of this model count against the cap (the name the call resolves to); every call when omitted. */
  model?: string;
}

/** Options of {@link createBudget}. */
export interface BudgetOptions {
  caps: readonly BudgetCap[];
  /**
   * IANA time zone whose calendar days the `day` caps follow.
   * @default 'UTC'
   */
  timeZone?: string;
  /** Where counters live. @default an in-process store (pass a Redis store to share caps across processes) */
  store?: BudgetStore;
  /**
   * Spend already on record on a day, by model name (the ledger's rows of that day): a `day` cap starts from it, so
   * a restart mid-day counts the morning's spend.
   */
  spentOn?: (day: string) => Promise<ReadonlyMap<string, number>>;
  /** Time source. @unit milliseconds since the epoch @default Date.now */
  now?: () => number;
}

/** What a cap stands at. */
export interface BudgetCapState extends BudgetCap {
  /** The day (`YYYY-MM-DD`) of a `day` cap. */
  day?: string;
  /** @unit USD */
  spentUsd: number;
  /** Worst-case cost of calls in flight. @unit USD */
  reservedUsd: number;
}

/** A call's hold on the budget, taken before it is sent. */
export interface BudgetReservation {
  /** The worst-case cost held. @unit USD */
  readonly usd: number;
  /** Replaces the hold by what the call cost (0 for a call that was never billed). */
  settle(actualUsd: number): Promise<void>;
}

/** Spending caps checked before each call: {@link Budget.reserve} refuses the call that could cross one. */
export interface Budget {
  readonly caps: readonly BudgetCap[];
  /** True when some cap counts calls of `model`. */
  covers(model: string): boolean;
  /**
   * Holds `worstUsd` on every cap that counts `model`, or throws {@link BudgetExceededError} (nothing held) when
   * any of them has less room left than that.
   */
  reserve(model: string, worstUsd: number): Promise<BudgetReservation>;
  /** Every cap's counters now. */
  state(): Promise<BudgetCapState[]>;
  close(): Promise<void>;
}

/** Creates a {@link Budget}. @throws InvalidBudgetError on a cap that is not a finite amount >= 0 or a bad zone. */
export function createBudget(options: BudgetOptions): Budget {
  const caps = options.caps.map((cap, i) => checkCap(cap, i));
  const timeZone = options.timeZone ?? 'UTC';
  const dayOf = dayFormatter(timeZone);
  const now = options.now ?? Date.now;
  const store = options.store ?? createMemoryBudgetStore();
  const runId = randomUUID();
  const spentByDay = new Map<string, Promise<ReadonlyMap<string, number>>>();
  const seeds = new Map<string, Promise<number>>();

  /** A day cap's spend on record before this process used it, summed once per cap and day. */
  const seedOf = (cap: BudgetCap, day: string): Promise<number> => {
    if (cap.period === 'run' || !options.spentOn) return Promise.resolve(0);
    const key = `${day}:${cap.model ?? '*'}`;
    let seed = seeds.get(key);
    if (!seed) {
      let spent = spentByDay.get(day);
      if (!spent) spentByDay.set(day, (spent = options.spentOn(day)));
      seed = spent.then((byModel) => {
        const usd =
          cap.model === undefined
            ? [...byModel.values()].reduce((a, b) => a + b, 0)
            : (byModel.get(cap.model) ?? 0);
        return Math.round(usd * NANO_PER_USD);
      });
      seeds.set(key, seed);
    }
    return seed;
  };
  const keysOf = async (selected: readonly BudgetCap[], day: string): Promise<BudgetKey[]> =>
    Promise.all(
      selected.map(async (cap) => ({
        name: `${cap.period === 'day' ? `day:${day}` : `run:${runId}`}:${cap.model ?? '*'}`,
        cap: Math.floor(cap.maxUsd * NANO_PER_USD),
        seed: await seedOf(cap, day),
      })),
    );
  const applying = (model: string) => caps.filter((cap) => cap.model === undefined || cap.model === model);

  return {
    caps,
    covers: (model) => applying(model).length > 0,
    async reserve(model, worstUsd) {
      if (!Number.isFinite(worstUsd) || worstUsd < 0) {
        throw new InvalidBudgetError(
          `budget.reserve: worstUsd must be a finite amount >= 0, got ${worstUsd}`,
        );
      }
      const selected = applying(model);
      const day = dayOf(now());
      const keys = await keysOf(selected, day);
      const amount = toNano(worstUsd);
      const id = randomUUID();
      const reply = await store.reserve(id, keys, amount);
      if (!reply.ok) {
        const cap = selected[keys.indexOf(reply.key)] as BudgetCap;
        throw new BudgetExceededError({
          model,
          cap,
          day: cap.period === 'day' ? day : undefined,
          requestedUsd: worstUsd,
          spentUsd: reply.counter.spent / NANO_PER_USD,
          reservedUsd: reply.counter.reserved / NANO_PER_USD,
        });
      }
      let settled = false;
      return {
        usd: worstUsd,
        async settle(actualUsd) {
          if (settled) return;
          settled = true;
          const actual =
            Number.isFinite(actualUsd) && actualUsd > 0 ? Math.round(actualUsd * NANO_PER_USD) : 0;
          await store.settle(id, keys, actual);
        },
      };
    },
    async state() {
      const day = dayOf(now());
      const keys = await keysOf(caps, day);
      const counters = await store.read(keys);
      return caps.map((cap, i) => ({
        ...cap,
        ...(cap.period === 'day' ? { day } : {}),
        spentUsd: (counters[i]?.spent ?? 0) / NANO_PER_USD,
        reservedUsd: (counters[i]?.reserved ?? 0) / NANO_PER_USD,
      }));
    },
    close: () => store.close(),
  };
}

function checkCap(cap: BudgetCap, index: number): BudgetCap {
  const where = `budget cap ${index}${cap.model === undefined ? '' : ` (model ${cap.model})`}`;
  if (typeof cap.maxUsd !== 'number' || !Number.isFinite(cap.maxUsd) || cap.maxUsd < 0) {
    throw new InvalidBudgetError(
      `${where}: maxUsd must be a finite amount in USD >= 0, got ${String(cap.maxUsd)}`,
    );
  }
  if (cap.period !== 'run' && cap.period !== 'day') {
    throw new InvalidBudgetError(`${where}: period must be "run" or "day", got ${String(cap.period)}`);
  }
  return { ...cap };
}

/** `YYYY-MM-DD` of an instant in `timeZone`. */
export function dayFormatter(timeZone: string): (ms: number) => string {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
  } catch (error) {
    throw new InvalidBudgetError(`budget: unknown time zone ${JSON.stringify(timeZone)}`, { cause: error });
  }
  return (ms) => {
    const parts = Object.fromEntries(format.formatToParts(ms).map((part) => [part.type, part.value]));
    return `${parts.year}-${parts.month}-${parts.day}`;
  };
}
