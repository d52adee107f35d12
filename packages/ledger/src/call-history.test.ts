import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callHistory, quantile } from './call-history';

describe('callHistory', () => {
  it("keeps each model's recent paid, successful calls: output tokens and latency, oldest first", async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'maxllm-history-')), 'calls.csv');
    writeFileSync(
      path,
      [
        'timestamp,model,output_tokens,unique_name,cache_hit,status,latency_sec',
        't,gpt,10,u1,no,ok,1.5',
        't,gpt,20,u1,yes,ok,0',
        't,gpt,30,u1,no,RateLimitError,2',
        't,gpt,,u1,no,ok,3',
        't,gpt,40,u1,no,ok,',
        't,gpt,50,u1,no,ok,2.5',
        't,other,7,,no,ok,0.25',
      ].join('\n') + '\n',
    );
    expect(await callHistory(path)).toEqual(
      new Map([
        ['u1', { outputTokens: [10, 40, 50], latencySec: [1.5, 2.5] }],
        ['other', { outputTokens: [7], latencySec: [0.25] }],
      ]),
    );
    expect((await callHistory(path, { recent: 2 })).get('u1')).toEqual({
      outputTokens: [40, 50],
      latencySec: [1.5, 2.5],
    });
  });

  it('quantile is the nearest rank', () => {
    expect(quantile([], 0.5)).toBeUndefined();
    expect(quantile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(quantile([5, 1, 3, 2, 4], 0.9)).toBe(5);
    expect(quantile([5, 1, 3, 2, 4], 0.1)).toBe(1);
  });
});
