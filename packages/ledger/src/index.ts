export { createLedger, type Ledger, type LedgerOptions } from './ledger';
export type { CallRecord, CallUsage, PriceOverrides } from './call-record';
export { priceCall, type CallCost, type PriceCallOptions } from './price-call';
export { resolvePrices, type ResolvedPrices, type ResolvePricesOptions } from './resolve-prices';
export { priceDataSource, type ProviderHint } from './price-data';
export {
  batchPriceFactor,
  flexPriceFactor,
  priorityPriceFactors,
  serviceTierFactor,
  type ServiceTier,
} from './service-tier';
export { emptyModelCallStatus, type CallStatus, type ModelCallStatus } from './call-status';
export { formatCallStatus } from './format-call-status';
export { diffCallStatus } from './diff-call-status';
export {
  summarizeLedger,
  emptySummaryRow,
  addSummaryRow,
  type LedgerSummaryRow,
  type SummarizeLedgerOptions,
} from './summarize-ledger';
export { ledgerColumns, type LedgerColumn, type LedgerRow } from './columns';
export { readLedgerRows, type ReadLedgerRowsOptions } from './read-ledger-rows';
export { movedAsideLedgers, pythonLedgerColumns } from './foreign-ledger';
export { parseCsvLine } from './parse-csv-line';
export { LedgerError, LedgerClosedError, LedgerWriteError } from './errors';
export type { Clock, Logger } from '@maxllm/core';
export {
  createBudget,
  type Budget,
  type BudgetCap,
  type BudgetCapState,
  type BudgetOptions,
  type BudgetReservation,
} from './budget';
export type { BudgetCounter, BudgetKey, BudgetStore, ReserveReply } from './budget-store';
export { createMemoryBudgetStore } from './memory-budget-store';
export {
  createRedisBudgetStore,
  type BudgetRedisClient,
  type RedisBudgetStoreOptions,
} from './redis-budget-store';
export { ledgerSpendOn } from './ledger-spend';
export {
  callHistory,
  quantile,
  type CallHistory,
  type CallHistoryOptions,
  type ModelHistory,
} from './call-history';
export {
  BudgetBackendError,
  BudgetExceededError,
  InvalidBudgetError,
  UnpricedUnderBudgetError,
  type BudgetExceededDetails,
  type BudgetExceededOptions,
} from './errors';
