// Child process of the recording test: opens a finished workspace, calls results() and is killed while recording
// answers into the ledger: right after the rows were flushed but before the manifest marked them recorded
// ('after-flush'), or after the second row reached the file while the rest were still buffered ('mid-record').
// Runs the built dist/.
import { join } from 'node:path';
import { openBatch } from '@maxllm/batch';
import { createResponseCache } from '@maxllm/cache';
import { createLedger } from '@maxllm/ledger';
import OpenAI from 'openai';
import { childModel } from './child-model.mjs';

const [url, home, workspace, mode] = process.argv.slice(2);
const model = childModel(url);
const real = createLedger({ path: join(home, 'logs', 'openai_calls.csv'), flushIntervalMs: 60_000 });
const die = () => process.kill(process.pid, 'SIGKILL');
const hang = () => new Promise(() => {});
let records = 0;
const ledger = {
  path: real.path,
  status: (name) => real.status(name),
  record(call) {
    const cost = real.record(call);
    records += 1;
    if (mode === 'mid-record' && records === 2) void real.flush().then(die);
    return cost;
  },
  async flush() {
    if (mode === 'mid-record') return hang();
    await real.flush();
    die();
    return hang();
  },
  close: () => real.close(),
};
const batch = await openBatch({
  model: 'chat',
  workspace,
  config: { paths: { batch: join(home, 'batch') }, resolveModel: () => model },
  cache: createResponseCache({ dir: join(home, 'cache') }),
  ledger,
  createOpenAI: () => new OpenAI({ apiKey: 'sk-test', baseURL: url, maxRetries: 0 }),
});
await batch.results();
process.stdout.write('results returned: the kill did not happen\n');
