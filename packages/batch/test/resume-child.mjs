// Child process of the resume test: enqueues and uploads into a workspace, then is killed: by the parent after a
// full upload, or by itself before its third file upload, or right after the API created its third file or batch
// (before the id reached the manifest). Runs the built dist/.
import { join } from 'node:path';
import { openBatch } from '@maxllm/batch';
import { createResponseCache } from '@maxllm/cache';
import { createLedger } from '@maxllm/ledger';
import OpenAI from 'openai';
import { childModel } from './child-model.mjs';

const [url, home, workspace, mode] = process.argv.slice(2);
const model = childModel(url);
const counts = { files: 0, batches: 0 };
const fetchThatDies = async (input, init) => {
  const target = String(input instanceof Request ? input.url : input);
  const post = (init?.method ?? 'GET') === 'POST';
  const kind =
    post && target.endsWith('/files') ? 'files' : post && target.endsWith('/batches') ? 'batches' : '';
  if (kind) counts[kind] += 1;
  if (mode === 'mid-upload' && kind === 'files' && counts.files === 3) process.kill(process.pid, 'SIGKILL');
  const response = await fetch(input, init);
  // Killed after the API created the object but before its id could be recorded.
  if (mode === 'file-created' && kind === 'files' && counts.files === 3) process.kill(process.pid, 'SIGKILL');
  if (mode === 'batch-created' && kind === 'batches' && counts.batches === 3)
    process.kill(process.pid, 'SIGKILL');
  return response;
};
const batch = await openBatch({
  model: 'chat',
  workspace,
  config: { paths: { batch: join(home, 'batch') }, resolveModel: () => model },
  cache: createResponseCache({ dir: join(home, 'cache') }),
  ledger: createLedger({ path: join(home, 'logs', 'openai_calls.csv') }),
  createOpenAI: () => new OpenAI({ apiKey: 'sk-test', baseURL: url, maxRetries: 0, fetch: fetchThatDies }),
  limits: { maxRequestsPerFile: 2 },
});
for (let index = 0; index < 5; index += 1) await batch.enqueue({ prompt: `question ${index}` });
await batch.upload();
process.stdout.write(`uploaded ${batch.state}\n`);
setInterval(() => {}, 1000); // wait to be killed
