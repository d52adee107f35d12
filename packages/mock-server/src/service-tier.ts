import { invalidParam } from './errors';

const TIERS = ['auto', 'default', 'flex', 'scale', 'priority', 'fast'];

/**
 * The tier a response reports for the `service_tier` a request asked for: none or `auto` → `default`, `fast` →
 * `priority` (as OpenAI reports it), anything else as given. An unknown tier is a 400 naming `service_tier`.
 */
export function reportedTier(body: Record<string, unknown>): string {
  const tier = body.service_tier;
  if (tier === undefined || tier === null || tier === 'auto') return 'default';
  if (typeof tier !== 'string' || !TIERS.includes(tier)) {
    throw invalidParam(
      'service_tier',
      `Invalid 'service_tier': expected one of ${TIERS.join(', ')}, got ${JSON.stringify(tier)}.`,
    );
  }
  return tier === 'fast' ? 'priority' : tier;
}
