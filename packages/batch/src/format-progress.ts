import type { BatchProgress } from './types';

/** One line for a progress display: `in_progress: 1200/5000 done, 3 failed, 40 cached (2 jobs)`. */
export function formatProgress(progress: BatchProgress): string {
  const done = progress.completed + progress.failed;
  const jobs = progress.jobs.length;
  return (
    `${progress.state}: ${done}/${progress.total} done, ${progress.failed} failed, ` +
    `${progress.cached} cached (${jobs} job${jobs === 1 ? '' : 's'})`
  );
}
