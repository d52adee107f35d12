import { randomUUID } from 'node:crypto';
import { redisUrlForTests } from '@maxllm/core/test-redis';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createBudget } from './budget';
import { BudgetExceededError } from './errors';
import { createRedisBudgetStore } from './redis-budget-store';
import { describeBudgetStoreContract } from './test-budget-store-contract';

const redisUrl = await redisUrlForTests('ledger: the Redis budget store suite');

const redis = redisUrl ? new Redis(redisUrl) : undefined;
afterAll(() => redis?.disconnect());

describe.skipIf(!redis)('Redis budget store', () => {
  describeBudgetStoreContract('redis', () =>
    createRedisBudgetStore({ client: redis!, prefix: `test:${randomUUID()}:` }),
  );

  describe('sharing and leases', () => {
    it('shares one cap between budgets of different processes (two stores on one prefix)', async () => {
      const prefix = `test:${randomUUID()}:`;
      const model = `m-${randomUUID()}`;
      const a = createBudget({
        caps: [{ maxUsd: 1, period: 'day', model }],
        store: createRedisBudgetStore({ client: redis!, prefix }),
      });
      const b = createBudget({
        caps: [{ maxUsd: 1, period: 'day', model }],
        store: createRedisBudgetStore({ client: redis!, prefix }),
      });
      await (await a.reserve(model, 0.6)).settle(0.6);
      await expect(b.reserve(model, 0.5)).rejects.toBeInstanceOf(BudgetExceededError);
      await (await b.reserve(model, 0.4)).settle(0.4);
      expect((await a.state())[0]!.spentUsd).toBeCloseTo(1, 9);
    });

    it("gives back a dead process's hold after its lease", async () => {
      const prefix = `test:${randomUUID()}:`;
      const store = createRedisBudgetStore({ client: redis!, prefix, leaseMs: 50 });
      const budget = createBudget({ caps: [{ maxUsd: 1, period: 'day' }], store });
      await budget.reserve('m', 1); // never settled: its process "died"
      await expect(budget.reserve('m', 0.5)).rejects.toBeInstanceOf(BudgetExceededError);
      await new Promise((resolve) => setTimeout(resolve, 80));
      await expect(budget.reserve('m', 0.5)).resolves.toBeDefined();
    });
  });
});
