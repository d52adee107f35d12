import type { CallStatus } from './call-status';

const headings = [
  'model',
  'calls',
  'hits',
  'misses',
  'errors',
  'hit %',
  'input',
  'cached',
  'output',
  'reasoning',
  'cost $',
  'saved $',
];

/** A compact, aligned text table of a call status, one line per model (for terminals and logs). */
export function formatCallStatus(status: CallStatus): string {
  const models = Object.keys(status).sort();
  if (models.length === 0) return 'No calls recorded.';
  const lines = models.map((model) => {
    const s = status[model]!;
    return [
      model,
      String(s.totalCalls),
      String(s.cacheHits),
      String(s.cacheMisses),
      String(s.errors),
      (s.hitRate * 100).toFixed(1),
      String(s.hitInputTokens + s.missInputTokens),
      String(s.hitCachedInputTokens + s.missCachedInputTokens),
      String(s.hitOutputTokens + s.missOutputTokens),
      String(s.hitReasoningTokens + s.missReasoningTokens),
      s.costUsd.toFixed(4) + (s.unpricedCalls > 0 ? '+?' : ''),
      s.savedUsd.toFixed(4),
    ];
  });
  const table = [headings, ...lines];
  const widths = headings.map((_, column) => Math.max(...table.map((cells) => cells[column]!.length)));
  return table
    .map((cells) =>
      cells
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
