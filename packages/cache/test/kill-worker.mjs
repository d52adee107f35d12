// Child process for src/kill.test.ts: writes entries as fast as it can through the built dist and prints the key of
// each one after its `set` resolved (the caller's signal that the entry is durable), until it is killed.
import { createResponseCache } from '../dist/index.js';

const [dir, tag] = process.argv.slice(2);
const cache = createResponseCache({ dir, memoryEntries: 0 });
const entry = (key, size) => ({
  response: { key, text: `${key}:`.padEnd(size, 'x') },
  meta: { createdAt: Date.now(), model: 'm', keyVersion: 1 },
});
for (let index = 0; ; index++) {
  const key = `${tag}-${index}`;
  // Sizes from 100 B to ~300 KB, so a kill can land in the middle of a large write as well as between writes.
  await cache.set(
    index % 2 ? 'ns/a' : 'ns/b',
    key,
    entry(key, index % 17 === 0 ? 300_000 : 100 + (index % 50) * 40),
  );
  process.stdout.write(`${key}\n`);
}
