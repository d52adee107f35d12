import { defineConfig } from 'tsup';
import { inlineRuntimeRequires } from './single-file-plugin';

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm'],
    target: 'node20',
    dts: true,
    sourcemap: true,
    clean: true,
  },
  {
    // One self-contained ESM file to copy into a project (as the original single-file library could be):
    // every MaxLLM package and their dependencies inlined; only `openai` (the user's SDK) and the optional
    // `ioredis` / `bottleneck` (Redis-shared limits) stay imports. CommonJS dependencies (cacache...) get a real `require` through createRequire.
    entry: { 'maxllm.single': 'src/index.ts' },
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    dts: false,
    sourcemap: false,
    clean: false,
    splitting: false,
    // tsup lets `noExternal` win over `external`: the exceptions live in the pattern itself.
    noExternal: [/^(?!(openai|ioredis|bottleneck)(\/|$))/],
    external: ['openai', /^openai\//, 'ioredis', 'bottleneck'],
    esbuildPlugins: [inlineRuntimeRequires()],
    banner: {
      js: "import { createRequire as __maxllmCreateRequire } from 'node:module';\nconst require = __maxllmCreateRequire(import.meta.url);",
    },
  },
]);
