import type { BudgetCounter, BudgetKey, BudgetStore, ReserveReply } from './budget-store';

/** The in-process budget store: counters in a Map, shared by every call of this process only. */
export function createMemoryBudgetStore(): BudgetStore {
  const counters = new Map<string, BudgetCounter>();
  const holds = new Map<string, Map<string, number>>();

  const counter = (key: BudgetKey): BudgetCounter => {
    let value = counters.get(key.name);
    if (!value) {
      value = { spent: key.seed, reserved: 0 };
      counters.set(key.name, value);
    }
    return value;
  };

  return {
    reserve(id, keys, amount): Promise<ReserveReply> {
      for (const key of keys) {
        const value = counter(key);
        if (value.spent + value.reserved + amount > key.cap) {
          return Promise.resolve({ ok: false, key, counter: { ...value } });
        }
      }
      const held = new Map<string, number>();
      for (const key of keys) {
        counter(key).reserved += amount;
        held.set(key.name, amount);
      }
      holds.set(id, held);
      return Promise.resolve({ ok: true });
    },
    settle(id, keys, actual) {
      const held = holds.get(id);
      holds.delete(id);
      for (const key of keys) {
        const value = counter(key);
        value.reserved -= held?.get(key.name) ?? 0;
        value.spent += actual;
      }
      return Promise.resolve();
    },
    read(keys) {
      return Promise.resolve(keys.map((key) => ({ ...counter(key) })));
    },
    close: () => Promise.resolve(),
  };
}
