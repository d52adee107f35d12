import { createMemoryBudgetStore } from './memory-budget-store';
import { describeBudgetStoreContract } from './test-budget-store-contract';

describeBudgetStoreContract('memory', createMemoryBudgetStore);
