import { ensureBuilt } from './test-support';

/** Vitest global setup of the CLI project: the subprocess tests run `dist/`, so build it once before any file runs. */
export default function setup(): void {
  ensureBuilt();
}
