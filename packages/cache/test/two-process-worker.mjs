// Child process for src/two-process.test.ts: writes and reads the same keys as its sibling, through the built dist.
import { createResponseCache } from '../dist/index.js';

const [dir, writer, roundsText] = process.argv.slice(2);
const rounds = Number(roundsText);
let warnings = 0;
const logger = {
  debug() {},
  info() {},
  warn: () => warnings++,
  error: () => warnings++,
};
const cache = createResponseCache({ dir, logger, memoryEntries: 0 });
const keys = Array.from({ length: 20 }, (_, index) => `k${index}`);
const entry = (key, round) => ({
  response: { writer, key, round, text: `${writer}:${key}:${round}:`.padEnd(400, '.') },
  meta: { createdAt: Date.now(), model: 'm', keyVersion: 1 },
});

const counts = { hits: 0, misses: 0, wrong: 0, warnings: 0 };
for (let round = 0; round < rounds; round++) {
  for (const [index, key] of keys.entries()) {
    await cache.set('shared/model*', key, entry(key, round));
    const other = keys[(index + 7) % keys.length];
    const found = await cache.get('shared/model*', other);
    if (found === undefined) counts.misses++;
    else if (
      found.response.key !== other ||
      !found.response.text.startsWith(`${found.response.writer}:${other}:`)
    )
      counts.wrong++;
    else counts.hits++;
  }
}
counts.warnings = warnings;
process.stdout.write(JSON.stringify(counts));
