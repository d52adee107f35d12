import { defineProject, mergeConfig } from 'vitest/config';
import { sharedProjectConfig } from '../../vitest.shared';

export default mergeConfig(
  sharedProjectConfig,
  defineProject({
    test: {
      name: 'cli',
      // Subprocess tests run the built CLI: build it (and what it imports) once, before every test file.
      globalSetup: ['./src/global-setup.ts'],
      testTimeout: 60_000,
      hookTimeout: 60_000,
    },
  }),
);
