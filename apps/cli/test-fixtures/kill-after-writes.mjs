// Test preload (`node --import`): SIGKILLs the process right after its Nth write to one file, so a test can stop a
// CLI run between two output writes. KILL_OUTPUT names the file, KILL_AFTER_WRITES the number of writes.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { resolve } from 'node:path';

const target = resolve(process.env.KILL_OUTPUT ?? '');
const limit = Number(process.env.KILL_AFTER_WRITES ?? 'NaN');
const watched = new Set();
let writes = 0;

const openSync = fs.openSync;
fs.openSync = function patchedOpenSync(path, ...rest) {
  const fd = openSync.call(this, path, ...rest);
  if (typeof path === 'string' && resolve(path) === target) watched.add(fd);
  return fd;
};
const writeSync = fs.writeSync;
fs.writeSync = function patchedWriteSync(fd, ...rest) {
  const written = writeSync.call(this, fd, ...rest);
  if (watched.has(fd)) {
    writes += 1;
    if (writes >= limit) process.kill(process.pid, 'SIGKILL');
  }
  return written;
};
syncBuiltinESMExports();
