// Preloaded into a measured child process (`node --import <this file> ...`): on exit, writes the process's peak RSS
// (VmHWM, in kB) to $BENCH_PEAK_RSS_FILE, so the parent gets the exact high-water mark rather than a sample.
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.env.BENCH_PEAK_RSS_FILE;
if (file) {
  process.on('exit', () => {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) writeFileSync(file, match[1]);
  });
}
