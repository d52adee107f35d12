import { defineConfig } from 'vitest/config';

// CI asks for a machine-readable report next to the usual output: `MAXLLM_TEST_JSON=<file> npm test`.
const jsonReport = process.env.MAXLLM_TEST_JSON;

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', { test: { name: 'repo', include: ['tests/**/*.test.ts'] } }],
    ...(jsonReport ? { reporters: ['default', ['json', { outputFile: jsonReport }]] } : {}),
  },
});
