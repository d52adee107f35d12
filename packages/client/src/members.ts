import type { Call, CallStart } from './call';
import { QuotaExceededError } from './errors';

/** What a call does with a member: look for its cached answer, and send it. */
export interface MemberStages<T> {
  /**
   * The cached answer of `call`, `undefined` for a miss, or `'skip'` when this request is not looked up as a whole
   * (nor are the next members). Runs only when the cache may be read.
   */
  lookup(call: Call): Promise<T | undefined | 'skip'>;
  /** Answers `call` from the API. */
  send(call: Call): Promise<T>;
}

/**
 * Runs one call over the members of its model spec: first the cache of every active member (in spec order), then
 * the member the balancer picks; a member whose quota ran out leaves the rotation and the next one is picked.
 */
export async function throughMembers<T>(start: CallStart, stages: MemberStages<T>): Promise<T> {
  const { context, spec } = start;
  const balancer = context.balancer(spec);
  if (start.policy.read) {
    for (const member of balancer.active()) {
      const hit = await stages.lookup(start.aim(member));
      if (hit === 'skip') break;
      if (hit !== undefined) return hit;
    }
  }
  for (;;) {
    const member = balancer.pick();
    if (!member) throw new QuotaExceededError(`Every model of '${spec}' ran out of quota.`, { model: spec });
    try {
      return await stages.send(start.aim(member));
    } catch (error) {
      if (!(error instanceof QuotaExceededError) || balancer.active().length <= 1) throw error;
      balancer.remove(member);
      context.logger.warn(
        `model '${member.alias}' (${member.resolved.uniqueName}) is out of quota: removed from '${spec}'.`,
      );
    }
  }
}
