import type { HandlerContext } from './handler-types';
import { modelOptions, type ServerState } from './state';

const CACHE_MINIMUM = 1024;
const CACHE_INCREMENT = 128;

/**
 * The generation context of one request to `model`. Prompts it sees are remembered for prompt caching only
 * when `remember()` is called (after admission), so a 429 leaves no cache trace.
 */
export function handlerContext(state: ServerState, model: string): HandlerContext & { remember(): void } {
  const output = modelOptions(state, model).output;
  const seenKeys: string[] = [];
  return {
    remember() {
      for (const key of seenKeys) state.cachedPrompts.add(key);
    },
    seed: state.seed,
    output: { meanTokens: output.meanTokens ?? 40, spread: output.spread ?? 0.5 },
    now: state.clock.now(),
    cachedTokens(promptKey, promptTokens) {
      const key = `${model}\u0000${promptKey}`;
      const seen = state.cachedPrompts.has(key);
      seenKeys.push(key);
      if (!seen || promptTokens < CACHE_MINIMUM) return 0;
      return CACHE_MINIMUM + Math.floor((promptTokens - CACHE_MINIMUM) / CACHE_INCREMENT) * CACHE_INCREMENT;
    },
  };
}
