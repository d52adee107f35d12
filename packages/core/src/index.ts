export { systemClock, unrefTimer } from './clock';
export type { Clock } from './clock';
export { createManualClock } from './manual-clock';
export type { ManualClock } from './manual-clock';
export { stderrLogger, silentLogger } from './logger';
export type { Logger } from './logger';
export { sleep, abortReason } from './sleep';
export { MaxllmError } from './maxllm-error';
