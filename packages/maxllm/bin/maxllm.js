#!/usr/bin/env -S node --max-old-space-size=256
// `maxllm`, the command, installed with the library: npm links only the bins of a project's direct dependencies,
// so the umbrella re-exposes the bin of its dependency @maxllm/cli (same heap cap: see apps/cli/tsup.config.ts).
import '@maxllm/cli/bin';
