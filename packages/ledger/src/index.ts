export { createLedger, type Ledger, type LedgerOptions } from './ledger.js';
export type { CallRecord, CallUsage, PriceOverrides } from './call-record.js';
export { priceCall, type CallCost, type PriceCallOptions } from './price-call.js';
export { resolvePrices, type ResolvedPrices, type ResolvePricesOptions } from './resolve-prices.js';
export { priceDataSource, type ProviderHint } from './price-data.js';
export {
  batchPriceFactor,
  flexPriceFactor,
  priorityPriceFactors,
  serviceTierFactor,
  type ServiceTier,
} from './service-tier.js';
export { emptyModelCallStatus, type CallStatus, type ModelCallStatus } from './call-status.js';
export { formatCallStatus } from './format-call-status.js';
export { diffCallStatus } from './diff-call-status.js';
export {
  summarizeLedger,
  emptySummaryRow,
  addSummaryRow,
  type LedgerSummaryRow,
  type SummarizeLedgerOptions,
} from './summarize-ledger.js';
export { ledgerColumns, type LedgerColumn, type LedgerRow } from './columns.js';
export { readLedgerRows, type ReadLedgerRowsOptions } from './read-ledger-rows.js';
export { movedAsideLedgers, pythonLedgerColumns } from './foreign-ledger.js';
export { parseCsvLine } from './parse-csv-line.js';
export { LedgerError, LedgerClosedError, LedgerWriteError } from './errors.js';
export type { Clock, Logger } from '@maxllm/core';
export {
  createBudget,
  type Budget,
  type BudgetCap,
  type BudgetCapState,
  type BudgetOptions,
  type BudgetReservation,
} from './budget.js';
export type { BudgetCounter, BudgetKey, BudgetStore, ReserveReply } from './budget-store.js';
export { createMemoryBudgetStore } from './memory-budget-store.js';
export {
  createRedisBudgetStore,
  type BudgetRedisClient,
  type RedisBudgetStoreOptions,
} from './redis-budget-store.js';
export { ledgerSpendOn } from './ledger-spend.js';
export {
  callHistory,
  quantile,
  type CallHistory,
  type CallHistoryOptions,
  type ModelHistory,
} from './call-history.js';
export {
  BudgetBackendError,
  BudgetExceededError,
  InvalidBudgetError,
  UnpricedUnderBudgetError,
  type BudgetExceededDetails,
  type BudgetExceededOptions,
} from './errors.js';
