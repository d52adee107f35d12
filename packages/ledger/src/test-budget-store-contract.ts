import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createBudget, type BudgetOptions } from './budget';
import type { BudgetStore } from './budget-store';
import { BudgetExceededError } from './errors';

/** Builds an empty store of one implementation. */
export type MakeBudgetStore = () => BudgetStore;

/**
 * The behaviour every budget store promises, seen through {@link createBudget}, run once per implementation (the
 * unstorage `testDriver` pattern): caps refuse what would cross them and hold nothing for it, every covering cap
 * counts a call, settle reconciles once, a day cap starts from the day's recorded spend, and concurrent
 * reservations never overshoot.
 */
export function describeBudgetStoreContract(name: string, makeStore: MakeBudgetStore): void {
  describe(`budget store contract: ${name}`, () => {
    const make = (options: Omit<BudgetOptions, 'store'>) => createBudget({ ...options, store: makeStore() });

    it('refuses the call that would cross the cap, and holds nothing for it', async () => {
      const budget = make({ caps: [{ maxUsd: 1, period: 'run' }] });
      const first = await budget.reserve('m', 0.6);
      await expect(budget.reserve('m', 0.5)).rejects.toBeInstanceOf(BudgetExceededError);
      const [state] = await budget.state();
      expect(state).toMatchObject({ spentUsd: 0, reservedUsd: 0.6 });
      await first.settle(0.25);
      expect((await budget.state())[0]).toMatchObject({ spentUsd: 0.25, reservedUsd: 0 });
      // Room is back: 0.25 spent + 0.75 = exactly the cap.
      const second = await budget.reserve('m', 0.75);
      await second.settle(0.75);
      await expect(budget.reserve('m', 1e-9)).rejects.toThrow(/Nothing was sent/);
    });

    it('counts a call against every cap that covers it, and only those', async () => {
      const budget = make({
        caps: [
          { maxUsd: 1, period: 'run' },
          { maxUsd: 0.3, period: 'run', model: 'small' },
        ],
      });
      await (await budget.reserve('small', 0.3)).settle(0.3);
      const error = await budget.reserve('small', 0.01).catch((e: unknown) => e);
      expect(BudgetExceededError.isInstance(error)).toBe(true);
      expect((error as BudgetExceededError).details.cap.model).toBe('small');
      await (await budget.reserve('big', 0.7)).settle(0.7);
      const all = await budget.reserve('big', 0.01).catch((e: unknown) => e);
      expect((all as BudgetExceededError).details.cap.model).toBeUndefined();
      expect(budget.covers('other')).toBe(true);
    });

    it('a refused reservation on one cap takes nothing from the others', async () => {
      const budget = make({
        caps: [
          { maxUsd: 10, period: 'run' },
          { maxUsd: 0.1, period: 'run', model: 'm' },
        ],
      });
      await expect(budget.reserve('m', 0.2)).rejects.toBeInstanceOf(BudgetExceededError);
      expect((await budget.state()).map((s) => s.reservedUsd)).toEqual([0, 0]);
    });

    it('a settle of 0 gives the whole hold back; a second settle does nothing', async () => {
      const budget = make({ caps: [{ maxUsd: 1, period: 'run' }] });
      const hold = await budget.reserve('m', 1);
      await hold.settle(0);
      await hold.settle(5);
      expect((await budget.state())[0]).toMatchObject({ spentUsd: 0, reservedUsd: 0 });
    });

    it('a day cap starts from the spend on record for that day, in its time zone', async () => {
      let now = Date.parse('2026-11-30T23:30:00Z');
      const days: string[] = [];
      const budget = make({
        caps: [{ maxUsd: 1, period: 'day', model: `m-${randomUUID()}` }],
        timeZone: 'UTC',
        now: () => now,
        spentOn: (day) => {
          days.push(day);
          return Promise.resolve(new Map([[budget.caps[0]!.model!, day === '2026-11-30' ? 0.9 : 0]]));
        },
      });
      const model = budget.caps[0]!.model!;
      await expect(budget.reserve(model, 0.2)).rejects.toBeInstanceOf(BudgetExceededError);
      now = Date.parse('2026-12-01T00:30:00Z');
      await (await budget.reserve(model, 0.2)).settle(0.2);
      expect(days).toEqual(['2026-11-30', '2026-12-01']);
      expect((await budget.state())[0]).toMatchObject({ day: '2026-12-01', spentUsd: 0.2 });
    });

    it('many concurrent reservations never hold more than the cap', async () => {
      const budget = make({ caps: [{ maxUsd: 1, period: 'run' }] });
      const results = await Promise.allSettled(Array.from({ length: 50 }, () => budget.reserve('m', 0.07)));
      const granted = results.filter((r) => r.status === 'fulfilled').length;
      expect(granted).toBe(14);
      expect((await budget.state())[0]!.reservedUsd).toBeCloseTo(0.98, 9);
    });
  });
}
