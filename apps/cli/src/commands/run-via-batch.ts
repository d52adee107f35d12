import type { Logger, MaxllmConfig } from 'maxllm';
import { UsageError } from '../errors.js';
import type { OutputSink } from '../output-sink.js';
import type { RunOptions, RunSummary } from './run.js';

/** Inputs of {@link runViaBatch}. */
export interface RunViaBatchInput {
  config: MaxllmConfig;
  logger: Logger;
  file: string;
  sink: OutputSink;
  done: ReadonlySet<number>;
  options: RunOptions;
  signal: AbortSignal;
}

/** `maxllm run --via batch`: the pending lines through the OpenAI Batch API. */
export function runViaBatch(_input: RunViaBatchInput): Promise<RunSummary> {
  return Promise.reject(new UsageError('--via batch is not available yet'));
}
