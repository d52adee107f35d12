import { FLEX_TIMEOUT_MS, type ResolvedModel } from '@maxllm/config';
import type { PreparedRequest } from '@maxllm/request';

/**
 * The SDK timeout of one request: the call's `timeout`, else the model's, else the flex default
 * (`FLEX_TIMEOUT_MS`) for a request sent on the flex tier, else the SDK's own. @unit ms
 */
export function timeoutOf(prepared: PreparedRequest, resolved: ResolvedModel): number | undefined {
  return (
    prepared.requestOptions.timeout ??
    resolved.timeoutMs ??
    (prepared.body.service_tier === 'flex' ? FLEX_TIMEOUT_MS : undefined)
  );
}
