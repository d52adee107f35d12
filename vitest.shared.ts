import { fileURLToPath } from 'node:url';
import type { ViteUserConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Tests import sibling packages from their sources, so a package's tests never run against a stale `dist/`.
 * Subprocess tests (CLI, multi-process Redis) run the built `dist/` instead; the root `test` script builds first.
 */
export const sharedProjectConfig: ViteUserConfig = {
  resolve: {
    alias: [
      // Test-only, never published (not in core's `exports`; `paths` in tsconfig.base.json does the same for tsc).
      { find: /^@maxllm\/core\/test-redis$/, replacement: `${root}packages/core/src/test-redis.ts` },
      { find: /^@maxllm\/([a-z-]+)$/, replacement: `${root}packages/$1/src/index.ts` },
      { find: /^maxllm$/, replacement: `${root}packages/maxllm/src/index.ts` },
      { find: /^maxllm\/testing$/, replacement: `${root}packages/maxllm/src/testing.ts` },
    ],
  },
};
