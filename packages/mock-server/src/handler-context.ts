import type { HandlerContext } from './handler-types';
import { modelOptions, type ServerState } from './state';

const CACHE_MINIMUM = 1024;
const CACHE_INCREMENT = 128;

/** The generation context of one request to `model`. */
export function handlerContext(state: ServerState, model: string): HandlerContext {
  const output = modelOptions(state, model).output;
  return {
    seed: state.seed,
    output: { meanTokens: output.meanTokens ?? 40, spread: output.spread ?? 0.5 },
    now: state.clock.now(),
    cachedTokens(promptKey, promptTokens) {
      const key = `${model}\u0000${promptKey}`;
      const seen = state.cachedPrompts.has(key);
      state.cachedPrompts.add(key);
      if (!seen || promptTokens < CACHE_MINIMUM) return 0;
      return CACHE_MINIMUM + Math.floor((promptTokens - CACHE_MINIMUM) / CACHE_INCREMENT) * CACHE_INCREMENT;
    },
  };
}
