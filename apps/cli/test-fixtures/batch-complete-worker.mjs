// A library user's resumable batchComplete, for the SIGKILL test: each answer is appended to an output JSONL as it
// comes (onResult), each item carries a callId, and a re-run skips the answered items and passes the callIds the
// ledger already holds (recordedCallIds), so a killed run's recorded call gets no second row.
// Usage (MAXLLM_HOME and MAXLLM_CONFIG_PATH set): node batch-complete-worker.mjs <prompts.json> <output.jsonl>
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createClient, loadConfig, readLedgerRows } from 'maxllm';

const [input, output] = process.argv.slice(2);
const prompts = JSON.parse(readFileSync(input, 'utf8'));
const done = new Set();
if (existsSync(output)) {
  const text = readFileSync(output, 'utf8');
  for (const line of text.split('\n')) {
    try {
      done.add(JSON.parse(line).index);
    } catch {
      // a line torn by the kill
    }
  }
  if (text.length > 0 && !text.endsWith('\n')) appendFileSync(output, '\n');
}
const config = loadConfig();
const recordedCallIds = new Set();
if (existsSync(config.paths.ledger)) {
  for await (const row of readLedgerRows(config.paths.ledger)) {
    if (row.status === 'ok' && row.call_id.startsWith('lib:')) recordedCallIds.add(row.call_id);
  }
}
const client = createClient({ config, recordedCallIds });
const pending = prompts.map((_, index) => index).filter((index) => !done.has(index));
try {
  await client.batchComplete(
    pending.map((index) => ({ prompt: prompts[index], callId: `lib:${index}` })),
    {
      model: 'gpt-4o-mini',
      concurrency: 16,
      progress: false,
      onResult: (result, position) =>
        appendFileSync(output, `${JSON.stringify({ index: pending[position], result })}\n`),
    },
  );
} finally {
  await client.close();
}
