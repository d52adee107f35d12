#!/usr/bin/env node
// Runs every benchmark in this folder as its own process, collects their summary lines and rewrites BENCHMARKS.md.
// A summary line is `<metric> key=value key=value ...`; anything else a benchmark prints is shown but not recorded.
// Usage: npm run bench            (all)        node bench/run-all.mjs cache-hits overhead   (some)
//        node bench/run-all.mjs --keep cache overhead   (some; the others keep their sections from BENCHMARKS.md)
//        node bench/run-all.mjs --notes   (copy an edited bench/NOTES.md into BENCHMARKS.md without running)
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const NOTES_HEADING = '## Notes';
const KEPT_NOTE = '_Not run this time (`run-all --keep`): numbers of an earlier run._';

// `--notes`: only refresh the notes part of BENCHMARKS.md from bench/NOTES.md (after editing the notes), no run.
if (process.argv[2] === '--notes') {
  const file = path.join(root, 'BENCHMARKS.md');
  const current = readFileSync(file, 'utf8');
  const at = current.indexOf(`\n${NOTES_HEADING}`);
  const notes = readFileSync(path.join(here, 'NOTES.md'), 'utf8').trim();
  writeFileSync(file, `${at === -1 ? current.trimEnd() : current.slice(0, at).trimEnd()}\n\n${notes}\n`);
  process.exit(0);
}

// `--keep`: the benchmarks not run this time keep their sections (and numbers) from the current BENCHMARKS.md.
const keep = process.argv.includes('--keep');
const only = process.argv.slice(2).filter((arg) => arg !== '--keep');
const scripts = readdirSync(here)
  .filter((name) => name.endsWith('.mjs') && name !== 'run-all.mjs' && !name.startsWith('_'))
  .filter((name) => only.length === 0 || only.some((wanted) => name.startsWith(wanted)))
  .sort();

/** Targets from the issues: metric → [field, comparison, value, description, extra [field, comparison, value][]?]. */
const targets = JSON.parse(readFileSync(path.join(here, 'targets.json'), 'utf8'));

/** A benchmark that runs longer than this is killed (and reported as not run), so one hang cannot eat the budget. */
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S ?? 360) * 1000;

/**
 * Benchmarks that mostly wait (rate-limit windows) and use little CPU say so with a `// bench: background` line; they
 * start first and run alongside the others, which keeps the whole run under 10 minutes.
 */
const isBackground = (script) =>
  /^\/\/ bench: background$/m.test(readFileSync(path.join(here, script), 'utf8'));

const runStarted = Date.now();
const timed = async (script) => {
  const started = Date.now();
  process.stderr.write(`\n== ${script}${isBackground(script) ? ' (background)' : ''}\n`);
  const { code, lines } = await run(path.join(here, script));
  process.stderr.write(`\n== ${script} done\n`);
  return { script, code, lines, seconds: (Date.now() - started) / 1000, background: isBackground(script) };
};
const background = scripts.filter(isBackground).map(timed);
const results = [];
for (const script of scripts.filter((name) => !isBackground(name))) results.push(await timed(script));
results.push(...(await Promise.all(background)));
if (keep) results.push(...keptResults(results.map((result) => result.script)));
results.sort((a, b) => a.script.localeCompare(b.script));

const totalSeconds = (Date.now() - runStarted) / 1000;
writeFileSync(path.join(root, 'BENCHMARKS.md'), render(results, totalSeconds));
process.stderr.write(`\nwrote BENCHMARKS.md (${results.length} benchmarks, ${totalSeconds.toFixed(0)} s)\n`);
process.exitCode = results.some((result) => result.code !== 0) ? 1 : 0;

function run(file) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', file], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
    });
    const timer = setTimeout(() => {
      process.stderr.write(`\n${path.basename(file)}: still running after ${TIMEOUT_MS / 1000} s, killed\n`);
      child.kill('SIGKILL');
    }, TIMEOUT_MS);
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      process.stderr.write(chunk);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const lines = out
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => /^[a-z][\w.-]* (\w+=\S+ ?)+$/.test(line))
        .map(parseLine);
      resolve({ code: code ?? 1, lines });
    });
  });
}

/** Sections of the current BENCHMARKS.md for the benchmarks not in `ran`, with the metrics of their tables. */
function keptResults(ran) {
  let current = '';
  try {
    current = readFileSync(path.join(root, 'BENCHMARKS.md'), 'utf8');
  } catch {
    return [];
  }
  const body = current.split(`\n${NOTES_HEADING}`)[0];
  return body
    .split(/\n(?=## )/)
    .filter((section) => section.startsWith('## ') && !section.startsWith('## Targets'))
    .map((section) => ({ script: `${section.slice(3, section.indexOf('\n')).trim()}.mjs`, section }))
    .filter(({ script }) => !ran.includes(script))
    .map(({ script, section }) => ({
      script,
      kept: section.trim(),
      lines: [...section.matchAll(/^\| ([a-z][\w.-]*) \| ((?:\w+=\S+ ?)+) \|/gm)].map((match) =>
        parseLine(`${match[1]} ${match[2].trim()}`),
      ),
    }));
}

function parseLine(line) {
  const [metric, ...pairs] = line.split(' ');
  return { metric, fields: Object.fromEntries(pairs.map((pair) => pair.split('='))) };
}

/** The target table: every metric with a target, measured or not. */
function summary(results) {
  const measured = new Map(
    results.flatMap((result) => result.lines.map((line) => [line.metric, line.fields])),
  );
  const rows = Object.entries(targets).map(([metric, [field, , , text, extra = []]]) => {
    const fields = measured.get(metric);
    if (!fields) return `| ${metric} | ${text} | not measured | not measured |`;
    const shown = [field, ...extra.map(([name]) => name)].map((name) => `${name}=${fields[name] ?? '?'}`);
    return `| ${metric} | ${text} | ${shown.join(' ')} | ${verdict(metric, fields).replace(/ \(.*\)$/, '')} |`;
  });
  return [
    '## Targets',
    '',
    '| metric | target | measured | verdict |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ];
}

/** `met` / `**MISSED**` against the target (its main field, and every extra `[field, op, value]` condition). */
function verdict(metric, fields) {
  const target = targets[metric];
  if (!target) return '';
  const [field, op, value, text, extra = []] = target;
  const conditions = [[field, op, value], ...extra];
  const actual = (name) => Number(fields[name]);
  if (conditions.some(([name]) => !Number.isFinite(actual(name)))) return `target ${text}: not measured`;
  const met = conditions.every(([name, comparison, bound]) =>
    comparison === '>=' ? actual(name) >= bound : actual(name) <= bound,
  );
  return `${met ? 'met' : '**MISSED**'} (${text})`;
}

function render(results, totalSeconds) {
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
    `- Load average at the end: ${os
      .loadavg()
      .map((load) => load.toFixed(1))
      .join(', ')} (the machine is shared: compare ratios, not absolute values)`,
    `- Total: ${totalSeconds.toFixed(0)} s for ${results.length} benchmarks`,
    '',
    ...summary(results),
  ];
  for (const result of results) {
    if (result.kept) {
      const [heading, ...rest] = result.kept.split('\n');
      const text = rest
        .filter((line) => line !== KEPT_NOTE)
        .join('\n')
        .trim();
      lines.push(heading, '', KEPT_NOTE, '', text, '');
      continue;
    }
    lines.push(`## ${result.script.replace(/\.mjs$/, '')}`, '');
    lines.push(
      `Command: \`node bench/${result.script}\` (${result.seconds.toFixed(1)} s, exit ${result.code}${
        result.background ? ', run in the background alongside the others' : ''
      })`,
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
