import { findBestMatch } from './match';
import type { RateLimitEntry } from './schema';

/** The `rate_limit` section after validation. */
export interface RateLimitSection {
  /** Matched against a category: `completion`, `embedding`, `local_completion`, `local_embedding`. */
  defaults: readonly RateLimitEntry[];
  /** Matched against the model's unique name. */
  customLimits: readonly RateLimitEntry[];
}

/** Used when the file has no `rate_limit.default`. */
export const builtInDefaultLimits: readonly RateLimitEntry[] = [{ model_name: '*', rpm: 500, tpm: 200_000 }];

const noUpperBound = 1e7;

/**
 * Limits of a model as in the original MaxLLM: the best `custom_limits` match on `uniqueName`, else the best `default`
 * match on the category; `litellm_params` rpm/tpm win but are capped by the entry's upper bounds; missing values
 * default to 500 rpm / 30000 tpm.
 */
export function resolveLimits(
  uniqueName: string,
  model: { rpm?: number | null; tpm?: number | null; local: boolean; embedding: boolean },
  section: RateLimitSection,
): { rpm: number; tpm: number; matched: string } {
  const category = `${model.local ? 'local_' : ''}${model.embedding ? 'embedding' : 'completion'}`;
  const custom = findBestMatch(section.customLimits, uniqueName, (entry) => entry.model_name);
  const fallback = custom
    ? undefined
    : findBestMatch(section.defaults, category, (entry) => entry.model_name);
  const entry: Partial<RateLimitEntry> = custom?.item ?? fallback?.item ?? {};
  const matched = custom
    ? `custom_limits '${entry.model_name}'`
    : fallback
      ? `default '${entry.model_name}' for category ${category}`
      : `built-in 500/30000 (no entry for category ${category})`;
  const rpm =
    model.rpm != null ? Math.min(model.rpm, entry.rpm_upper_bound ?? noUpperBound) : (entry.rpm ?? 500);
  const tpm =
    model.tpm != null ? Math.min(model.tpm, entry.tpm_upper_bound ?? noUpperBound) : (entry.tpm ?? 30_000);
  return { rpm, tpm, matched };
}
