// Preloaded into a measured child process (`node --import <this file> ...`): on exit, writes to $BENCH_PEAK_RSS_FILE
// the process's peak RSS (VmHWM, exact, rather than a sample), the largest V8 heap it reserved, and the largest live
// heap seen right after a major GC — what the process really holds, as opposed to what the GC let it grow to.
import { readFileSync, writeFileSync } from 'node:fs';
import { PerformanceObserver, constants } from 'node:perf_hooks';

const file = process.env.BENCH_PEAK_RSS_FILE;
if (file) {
  let heapTotal = 0;
  let liveAfterMajorGc = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.detail?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
      liveAfterMajorGc = Math.max(liveAfterMajorGc, process.memoryUsage().heapUsed);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const sampler = setInterval(() => (heapTotal = Math.max(heapTotal, process.memoryUsage().heapTotal)), 250);
  sampler.unref();
  process.on('exit', () => {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    const mb = (bytes) => Math.round(bytes / 2 ** 20);
    writeFileSync(
      file,
      JSON.stringify({
        peakRssMb: match ? Math.round(Number(match[1]) / 1024) : undefined,
        heapTotalMb: mb(heapTotal),
        liveHeapMb: mb(liveAfterMajorGc),
      }),
    );
  });
}
