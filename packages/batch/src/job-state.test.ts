import { describe, expect, it } from 'vitest';
import { BatchError, BatchItemError, BatchStateError, BatchWorkspaceError } from './errors';
import { combineJobStates } from './job-state';
import type { JobRecord, JobStatus } from './types';
import { MAX_REQUEUES, requeueIfTokenLimited } from './submit-jobs';
import { resolveWorkspace } from './workspace';

const job = (status: JobStatus, round = 0): JobRecord => ({
  file: 'f',
  round,
  endpoint: '/v1/chat/completions',
  requests: 1,
  bytes: 1,
  tokens: 1,
  ranges: [],
  status,
});

describe('combineJobStates', () => {
  it('is in_progress until every job is final', () => {
    expect(combineJobStates([job('completed'), job('finalizing')])).toBe('in_progress');
    expect(combineJobStates([job('completed'), job('cancelling')])).toBe('in_progress');
  });

  it('reports the worst final outcome', () => {
    expect(combineJobStates([job('completed'), job('completed')])).toBe('completed');
    expect(combineJobStates([job('completed'), job('expired')])).toBe('expired');
    expect(combineJobStates([job('expired'), job('failed')])).toBe('failed');
    expect(combineJobStates([job('failed'), job('cancelled')])).toBe('cancelled');
  });

  it('only counts the latest retry round', () => {
    expect(combineJobStates([job('expired'), job('completed', 1)])).toBe('completed');
  });
});

describe('resolveWorkspace', () => {
  it('puts names under the batch home and keeps absolute paths', () => {
    expect(resolveWorkspace('/home/b', 'run1', 0)).toBe('/home/b/run1');
    expect(resolveWorkspace('/home/b', '/tmp/x', 0)).toBe('/tmp/x');
    expect(resolveWorkspace('/home/b', undefined, Date.UTC(2026, 0, 31, 14, 25, 1))).toMatch(
      /^\/home\/b\/20260131-142501-[0-9a-f]{1,4}$/,
    );
  });

  it('rejects names that escape the batch home', () => {
    for (const name of ['..', '.', 'a/b', '', 'a\\b']) {
      expect(() => resolveWorkspace('/home/b', name, 0)).toThrow(/plain folder name/);
    }
  });

  it('rejects control characters (a newline, a tab) in a name or a path', () => {
    for (const name of ['night\nly', 'tab\there', '/tmp/a\nb', 'bell\u0007']) {
      expect(() => resolveWorkspace('/home/b', name, 0)).toThrow(BatchWorkspaceError);
      expect(() => resolveWorkspace('/home/b', name, 0)).toThrow(/control character/);
    }
  });
});

describe('errors', () => {
  it('are branded and recognised by class', () => {
    const error = new BatchStateError('enqueue', 'in_progress', 'too late');
    expect(error.name).toBe('BatchStateError');
    expect(error.message).toContain("'in_progress'");
    expect(error.message).toContain('enqueue()');
    expect(BatchError.isInstance(error)).toBe(true);
    expect(BatchStateError.isInstance(error)).toBe(true);
    expect(BatchItemError.isInstance(error)).toBe(false);
    expect(BatchError.isInstance(new Error('x'))).toBe(false);
    expect((error as unknown as Record<symbol, unknown>)[Symbol.for('maxllm.error')]).toBe(true);
  });
});

describe('requeueIfTokenLimited', () => {
  it('puts a job that hit the enqueued-token limit back in the queue, a bounded number of times', () => {
    const limited: JobRecord = {
      ...job('failed'),
      fileId: 'file-1',
      jobId: 'batch-1',
      errors: ['token_limit_exceeded Enqueued token limit reached'],
    };
    const requeued = requeueIfTokenLimited(limited);
    expect(requeued).toMatchObject({ fileId: 'file-1', jobId: undefined, status: undefined, requeues: 1 });
    expect(requeueIfTokenLimited({ ...limited, requeues: MAX_REQUEUES })).toMatchObject({ status: 'failed' });
    expect(requeueIfTokenLimited({ ...limited, errors: ['invalid_json_line'] })).toMatchObject({
      status: 'failed',
    });
    expect(requeueIfTokenLimited(job('completed'))).toMatchObject({ status: 'completed' });
  });
});
