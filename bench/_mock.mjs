// A @maxllm/mock-server in a child process, so the server's CPU does not share the measured process's event loop.
// `startMock(options)` → { url, stats(), reset(), close() }; options are MockServerOptions (JSON-serialisable only),
// plus `timeScale: { scale, anchor }` for a clock shared with the parent (see `scaledClock`).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const isChild = process.argv[2] === '--mock-child';

if (isChild) {
  const { createMockServer } = await import('@maxllm/mock-server');
  const { scaledClock } = await import('./_shared.mjs');
  let server;
  // The parent is gone (finished, crashed or killed by run-all's timeout): do not outlive it.
  process.on('disconnect', () => process.exit(0));
  process.on('message', async ({ id, op, options }) => {
    try {
      let value;
      if (op === 'start') {
        const { timeScale, ...rest } = options;
        const clock = timeScale ? scaledClock(timeScale.scale, timeScale.anchor) : undefined;
        server = await createMockServer({ ...rest, ...(clock ? { clock } : {}) });
        value = { url: server.url };
      } else if (op === 'stats') value = server.stats();
      else if (op === 'reset') value = server.reset();
      else if (op === 'close') value = await server.close();
      process.send({ id, value });
    } catch (error) {
      process.send({ id, error: String(error?.stack ?? error) });
    }
  });
}

/** Starts a mock server in a child process; resolves once it listens. */
export async function startMock(options = {}) {
  const child = fork(fileURLToPath(import.meta.url), ['--mock-child'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map();
  let nextId = 0;
  // The child and its channel keep this process alive only while a call waits for its answer, so a benchmark that
  // fails before close() still exits (and the child follows on 'disconnect').
  child.unref();
  child.channel.unref();
  child.on('message', ({ id, value, error }) => {
    const { resolve, reject } = pending.get(id);
    pending.delete(id);
    if (pending.size === 0) child.channel?.unref();
    if (error) reject(new Error(`mock server: ${error}`));
    else resolve(value);
  });
  child.on('exit', (code) => {
    for (const { reject } of pending.values()) reject(new Error(`mock server exited with ${code}`));
    pending.clear();
  });
  const call = (op, payload = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.channel.ref();
      child.send({ id, op, ...payload });
    });
  const { url } = await call('start', { options });
  return {
    url,
    pid: child.pid,
    stats: () => call('stats'),
    reset: () => call('reset'),
    async close() {
      await call('close');
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.ref();
      child.disconnect();
      if (child.exitCode === null) await exited;
    },
  };
}
