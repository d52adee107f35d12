#!/usr/bin/env node
// Runs every benchmark in this folder as its own process, collects their summary lines and rewrites BENCHMARKS.md.
// A summary line is `<metric> key=value key=value ...`; anything else a benchmark prints is shown but not recorded.
// Usage: npm run bench            (all)        node bench/run-all.mjs cache-hits overhead   (some)
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const only = process.argv.slice(2);
const scripts = readdirSync(here)
  .filter((name) => name.endsWith('.mjs') && name !== 'run-all.mjs' && !name.startsWith('_'))
  .filter((name) => only.length === 0 || only.some((wanted) => name.startsWith(wanted)))
  .sort();

/** Targets from the issues: metric → [field, comparison, value, description]. */
const targets = JSON.parse(readFileSync(path.join(here, 'targets.json'), 'utf8'));

const results = [];
for (const script of scripts) {
  const started = Date.now();
  process.stderr.write(`\n== ${script}\n`);
  const { code, lines } = await run(path.join(here, script));
  results.push({ script, code, lines, seconds: (Date.now() - started) / 1000 });
}

writeFileSync(path.join(root, 'BENCHMARKS.md'), render(results));
process.stderr.write(`\nwrote BENCHMARKS.md (${results.length} benchmarks)\n`);
process.exitCode = results.some((result) => result.code !== 0) ? 1 : 0;

function run(file) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', file], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      process.stderr.write(chunk);
    });
    child.on('close', (code) => {
      const lines = out
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => /^[a-z][\w.-]* (\w+=\S+ ?)+$/.test(line))
        .map(parseLine);
      resolve({ code: code ?? 1, lines });
    });
  });
}

function parseLine(line) {
  const [metric, ...pairs] = line.split(' ');
  return { metric, fields: Object.fromEntries(pairs.map((pair) => pair.split('='))) };
}

function verdict(metric, fields) {
  const target = targets[metric];
  if (!target) return '';
  const [field, op, value, text] = target;
  const actual = Number(fields[field]);
  if (!Number.isFinite(actual)) return `target ${text}: not measured`;
  const met = op === '>=' ? actual >= value : actual <= value;
  return `${met ? 'met' : '**MISSED**'} (${text})`;
}

function render(results) {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    '# Benchmarks',
    '',
    'Rewritten by `npm run bench` (`node bench/run-all.mjs`); do not edit by hand. Each benchmark runs its baseline in',
    'the same process as the measured code, against `@maxllm/mock-server` on loopback. Numbers vary with load: compare',
    'the ratios, not the absolute values, across machines.',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.platform()} ${os.release()}`,
    `- Node.js ${process.version}`,
    '',
  ];
  for (const result of results) {
    lines.push(`## ${result.script.replace(/\.mjs$/, '')}`, '');
    lines.push(
      `Command: \`node bench/${result.script}\` (${result.seconds.toFixed(1)} s, exit ${result.code})`,
      '',
    );
    if (result.lines.length === 0) {
      lines.push('No summary line: the benchmark could not run.', '');
      continue;
    }
    lines.push('| metric | numbers | target |', '| --- | --- | --- |');
    for (const { metric, fields } of result.lines) {
      const numbers = Object.entries(fields)
        .map(([key, value]) => `${key}=${value}`)
        .join(' ');
      lines.push(`| ${metric} | ${numbers} | ${verdict(metric, fields)} |`);
    }
    lines.push('');
  }
  const notes = path.join(here, 'NOTES.md');
  try {
    lines.push(readFileSync(notes, 'utf8').trim(), '');
  } catch {
    // no notes yet
  }
  return lines.join('\n');
}
