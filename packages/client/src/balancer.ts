import type { MaxllmConfig, ResolvedModel } from '@maxllm/config';
import { parseModelSpec } from './model-spec';
import { createWeightedSelector, type WeightedSelector } from './weighted-selector';

/** One resolved member of a model spec. */
export interface BalancedMember {
  /** The alias as written in the spec. */
  alias: string;
  resolved: ResolvedModel;
}

/** The members of one model spec and the rotation between them. */
export interface Balancer {
  /** The spec as the caller wrote it. */
  readonly spec: string;
  /** Members still in the rotation, in spec order (every one is checked for a cache hit before picking). */
  active(): BalancedMember[];
  /** The next member by smooth weighted round-robin, or `undefined` when all were removed. */
  pick(): BalancedMember | undefined;
  /** Takes a member out of the rotation (its quota ran out). */
  remove(member: BalancedMember): void;
}

/**
 * Builds the balancer of `spec` (`"a:1+b:2"`, or one model used verbatim). Weights missing from the spec come from
 * the config's `weight`. Members are resolved now, so a bad alias fails before any call.
 */
export function createBalancer(spec: string, config: MaxllmConfig): Balancer {
  const members = parseModelSpec(spec).map((member) => {
    const resolved = config.resolveModel(member.alias);
    return { alias: member.alias, resolved, weight: member.weight ?? resolved.weight };
  });
  const selector: WeightedSelector<BalancedMember> = createWeightedSelector(
    members.map(({ alias, resolved }) => ({ alias, resolved })),
    members.map((member) => (member.weight > 0 ? member.weight : 1)),
  );
  return {
    spec,
    active: () => selector.active(),
    pick: () => selector.next(),
    remove: (m) => selector.remove(m),
  };
}
