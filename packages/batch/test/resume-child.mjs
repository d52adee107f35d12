// Child process of the resume test: enqueues and uploads into a workspace, then is killed (by the parent after a
// full upload, or by itself just before its third file upload). Runs the built dist/.
import { join } from 'node:path';
import { openBatch } from '@maxllm/batch';
import { createResponseCache } from '@maxllm/cache';
import { createLedger } from '@maxllm/ledger';
import OpenAI from 'openai';

const [url, home, workspace, mode] = process.argv.slice(2);
const model = {
  alias: 'chat',
  model: 'gpt-4o-mini',
  uniqueName: 'gpt-4o-mini',
  apiBase: url,
  mode: 'chat',
  prices: { inputPerMillion: 2, outputPerMillion: 8 },
};
let fileUploads = 0;
const fetchThatDies = (input, init) => {
  const target = String(input instanceof Request ? input.url : input);
  if (target.endsWith('/files') && (init?.method ?? 'GET') === 'POST') {
    fileUploads += 1;
    if (mode === 'mid-upload' && fileUploads === 3) process.kill(process.pid, 'SIGKILL');
  }
  return fetch(input, init);
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
