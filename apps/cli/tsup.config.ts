import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  target: 'node20',
  dts: false,
  sourcemap: true,
  clean: true,
  // The heap cap keeps long `maxllm run` jobs small: the live set stays under ~100 MB, but with the default limits V8
  // lets the heap grow to ~4× that between major GCs (bench/NOTES.md, scale.run). Override with
  // `node --max-old-space-size=<MB> $(which maxllm) ...`.
  banner: { js: '#!/usr/bin/env -S node --max-old-space-size=256' },
});
