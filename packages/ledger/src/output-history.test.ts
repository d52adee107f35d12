import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outputHistory, quantile } from './output-history.js';

describe('outputHistory', () => {
  it("keeps each model's recent paid, successful output counts, oldest first", async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'maxllm-history-')), 'calls.csv');
    writeFileSync(
      path,
      [
        'timestamp,model,output_tokens,unique_name,cache_hit,status',
        't,gpt,10,u1,no,ok',
        't,gpt,20,u1,yes,ok',
        't,gpt,30,u1,no,RateLimitError',
        't,gpt,,u1,no,ok',
        't,gpt,40,u1,no,ok',
        't,gpt,50,u1,no,ok',
        't,other,7,,no,ok',
      ].join('\n') + '\n',
    );
    expect(await outputHistory(path)).toEqual(
      new Map([
        ['u1', [10, 40, 50]],
        ['other', [7]],
      ]),
    );
    expect((await outputHistory(path, { recent: 2 })).get('u1')).toEqual([40, 50]);
  });

  it('quantile is the nearest rank', () => {
    expect(quantile([], 0.5)).toBeUndefined();
    expect(quantile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(quantile([5, 1, 3, 2, 4], 0.9)).toBe(5);
    expect(quantile([5, 1, 3, 2, 4], 0.1)).toBe(1);
  });
});
