import { DEFAULT_TIMEOUT_MS, FLEX_TIMEOUT_MS, type ResolvedModel } from '@maxllm/config';
import type { PreparedRequest } from '@maxllm/request';

/**
 * The SDK timeout of one request: the call's `timeoutMs`, else the model's. A request sent on the flex tier whose
 * model has only the default timeout (`DEFAULT_TIMEOUT_MS`: no `timeout` in its entry) gets the longer
 * `FLEX_TIMEOUT_MS`, since flex may queue it for minutes. @unit ms
 */
export function timeoutOf(prepared: PreparedRequest, resolved: ResolvedModel): number | undefined {
  if (prepared.timeoutMs !== undefined) return prepared.timeoutMs;
  const flex = prepared.body.service_tier === 'flex';
  if (flex && (resolved.timeoutMs === undefined || resolved.timeoutMs === DEFAULT_TIMEOUT_MS)) {
    return FLEX_TIMEOUT_MS;
  }
  return resolved.timeoutMs;
}
