import { emptyModelCallStatus, hitRate, type CallStatus, type ModelCallStatus } from './call-status';

/**
 * What happened between two snapshots: `after - before` for every counter of every model in `after`
 * (a model missing from `before` counts from zero). `hitRate` is recomputed from the differences, not subtracted.
 */
export function diffCallStatus(after: CallStatus, before: CallStatus): CallStatus {
  const result: CallStatus = {};
  for (const [model, now] of Object.entries(after)) {
    const then = before[model] ?? emptyModelCallStatus();
    const diff = emptyModelCallStatus();
    for (const key of Object.keys(diff) as (keyof ModelCallStatus)[]) diff[key] = now[key] - then[key];
    diff.hitRate = hitRate(diff);
    result[model] = diff;
  }
  return result;
}
