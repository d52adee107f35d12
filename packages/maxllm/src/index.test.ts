import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as batch from '@maxllm/batch';
import * as cache from '@maxllm/cache';
import * as client from '@maxllm/client';
import * as config from '@maxllm/config';
import * as core from '@maxllm/core';
import * as ledger from '@maxllm/ledger';
import * as mockServer from '@maxllm/mock-server';
import * as ratelimit from '@maxllm/ratelimit';
import * as request from '@maxllm/request';
import * as testingViaAlias from 'maxllm/testing';
import { describe, expect, it } from 'vitest';
import * as main from './index';
import * as testing from './testing';

/**
 * Keeps the umbrella's curated lists honest. The entries (`src/index.ts`, `src/testing.ts`) are read as text, so type
 * exports are checked too: each is a list of `// ## Group` comments, each followed by named re-exports from one or
 * more `@maxllm/*` packages.
 */
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const read = (file: string): string => readFileSync(`${packageDir}/${file}`, 'utf8');

const packages: Record<string, Record<string, unknown>> = {
  '@maxllm/core': core,
  '@maxllm/config': config,
  '@maxllm/ratelimit': ratelimit,
  '@maxllm/cache': cache,
  '@maxllm/ledger': ledger,
  '@maxllm/request': request,
  '@maxllm/batch': batch,
  '@maxllm/client': client,
  '@maxllm/mock-server': mockServer,
};

/**
 * Each package's internals: runtime exports a user of the umbrella does not need (building blocks of other packages,
 * constants, CLI plumbing). They stay in their package and must not appear in any umbrella entry. Every runtime
 * export of a package is either re-exported by an entry or listed here, so a new export is a decision, not an accident.
 */
const internals: Record<string, string[]> = {
  '@maxllm/core': ['unrefTimer', 'sleep', 'abortReason', 'redisScript', 'runRedisScript'],
  '@maxllm/config': [
    'homePaths',
    'matchScore',
    'findBestMatch',
    'DEFAULT_TIMEOUT_MS',
    'FLEX_TIMEOUT_MS',
    'SERVICE_TIERS',
  ],
  '@maxllm/ratelimit': [
    'encodingForModel',
    'IMAGE_TOKENS',
    'LOW_DETAIL_IMAGE_TOKENS',
    'TOKENS_PER_MESSAGE',
    'TOKENS_PER_REPLY',
    'createOutputEstimator',
    'parseDuration',
    'readRateLimitHeaders',
  ],
  '@maxllm/cache': ['cacheKey', 'CACHE_KEY_VERSION', 'canonicalJson', 'createSingleFlight'],
  '@maxllm/ledger': [
    'createLedger',
    'priceCall',
    'resolvePrices',
    'priceDataSource',
    'batchPriceFactor',
    'flexPriceFactor',
    'priorityPriceFactors',
    'serviceTierFactor',
    'emptyModelCallStatus',
    'emptySummaryRow',
    'addSummaryRow',
    'movedAsideLedgers',
    'pythonLedgerColumns',
    'parseCsvLine',
    'ledgerSpendOn',
    'callHistory',
    'quantile',
  ],
  '@maxllm/request': [
    'prepareRequest',
    'checkRequestKeys',
    'buildMessages',
    'contentText',
    'normaliseTokenParams',
    'zodResponseFormat',
    'zodTextFormat',
    'responseText',
    'responseRefusal',
    'parseJsonLenient',
    'parseStructured',
    'extractResult',
    'completionText',
    'isCacheable',
    'readUsage',
    'keyInput',
    'KEY_INPUT_VERSION',
    'UNKEYED_PARAMS',
    'snapshot',
  ],
  '@maxllm/batch': ['openBatch', 'combineJobStates', 'formatProgress'],
  '@maxllm/client': [
    'formatProgress',
    'parseModelSpec',
    'createWeightedSelector',
    'backoffDelay',
    'batchCompleteViaBatch',
  ],
  '@maxllm/mock-server': ['formatDuration', 'runMockServerCli'],
};

interface Export {
  name: string;
  from: string;
  type: boolean;
}
interface Group {
  title: string;
  exports: Export[];
}

/** The `// ## Title` groups of an entry and the names each re-exports. */
function sourceGroups(file: string): Group[] {
  const source = read(file);
  expect(source, `${file} uses export *`).not.toMatch(/^export\s*\*/m);
  const [preamble, ...chunks] = source.split(/^\/\/ ## /m);
  expect(preamble, `${file} exports something before its first group`).not.toMatch(/^export /m);
  return chunks.map((chunk) => {
    const title = chunk.slice(0, chunk.indexOf('\n')).trim();
    const exports: Export[] = [];
    for (const match of chunk.matchAll(/^export\s+(type\s+)?\{([^}]*)\}\s*from\s*'([^']+)';/gm)) {
      for (const item of match[2]!
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean)) {
        const inlineType = item.startsWith('type ');
        exports.push({
          name: item.replace(/^type\s+/, ''),
          from: match[3]!,
          type: Boolean(match[1]) || inlineType,
        });
      }
    }
    expect(exports.length, `group ${title} of ${file} exports nothing`).toBeGreaterThan(0);
    return { title, exports };
  });
}

/** The `###` groups of the README section `heading`: each bullet is `` - `@maxllm/x`: `name`, `name`... ``. */
function readmeGroups(heading: string): Group[] {
  const readme = read('README.md');
  const start = readme.indexOf(`\n## ${heading}\n`);
  expect(start, `README has no section "## ${heading}"`).toBeGreaterThan(0);
  const rest = readme.slice(start + heading.length + 5);
  const section = rest.slice(0, rest.search(/^## /m) === -1 ? undefined : rest.search(/^## /m));
  return section
    .split(/^### /m)
    .slice(1)
    .map((chunk) => {
      const title = chunk.slice(0, chunk.indexOf('\n')).trim();
      const exports: Export[] = [];
      // A bullet may wrap: its continuation lines are indented.
      for (const bullet of chunk.split(/\n(?=- )/).filter((part) => part.startsWith('- '))) {
        const match = /^- `(@maxllm\/[a-z-]+)`:([\s\S]*)$/.exec(bullet.split(/\n(?! )/)[0]!);
        if (!match) continue;
        for (const name of match[2]!.matchAll(/`([A-Za-z_$][\w$]*)`/g)) {
          exports.push({ name: name[1]!, from: match[1]!, type: false });
        }
      }
      return { title, exports };
    });
}

const entries = [
  { file: 'src/index.ts', module: main as Record<string, unknown>, readme: 'What `maxllm` exports' },
  {
    file: 'src/testing.ts',
    module: testing as Record<string, unknown>,
    readme: 'What `maxllm/testing` exports',
  },
];
const parsed = entries.map((entry) => ({ ...entry, groups: sourceGroups(entry.file) }));
const allExports = parsed.flatMap(({ groups }) => groups.flatMap((group) => group.exports));

describe.each(parsed)('the $file entry', ({ file, module, groups, readme }) => {
  const exports = groups.flatMap((group) => group.exports);

  it('re-exports by name, under the package name (no renames), only from @maxllm packages', () => {
    expect(exports.filter(({ name }) => /\sas\s/.test(name)).map(({ name }) => name)).toEqual([]);
    expect(exports.filter(({ from }) => !(from in packages)).map(({ from }) => from)).toEqual([]);
  });

  it('exports at run time exactly the values its source lists', () => {
    const values = exports.filter(({ type }) => !type).map(({ name }) => name);
    expect(Object.keys(module).sort()).toEqual([...values].sort());
  });

  it('exports each value as the same object as its package does', () => {
    for (const { name, from, type } of exports) {
      if (type) continue;
      expect(name in packages[from]!, `${from} does not export ${name}`).toBe(true);
      expect(module[name], `${name} from ${from}`).toBe(packages[from]![name]);
    }
  });

  it(`has one README section per group, listing the same names from the same packages (${file})`, () => {
    const documented = readmeGroups(readme);
    const key = ({ from, name }: Export): string => `${from} ${name}`;
    expect(documented.map((group) => group.title)).toEqual(groups.map((group) => group.title));
    for (const [index, group] of groups.entries()) {
      expect(documented[index]!.exports.map(key).sort(), `README group ${group.title}`).toEqual(
        group.exports.map(key).sort(),
      );
    }
  });
});

describe('the umbrella as a whole', () => {
  it('exports no name twice (in one entry or across main and testing)', () => {
    const seen = allExports.map(({ name }) => name);
    expect(seen.filter((name, index) => seen.indexOf(name) !== index)).toEqual([]);
  });

  it('exports no object under two names', () => {
    const values = entries.flatMap(({ module }) =>
      Object.entries(module).filter(([, value]) => typeof value === 'function' || typeof value === 'object'),
    );
    const names = new Map<unknown, string[]>();
    for (const [name, value] of values) names.set(value, [...(names.get(value) ?? []), name]);
    expect([...names.values()].filter((list) => list.length > 1)).toEqual([]);
  });

  it.each(Object.keys(packages))(
    'leaks nothing from the internals of %s, and leaves none unclassified',
    (name) => {
      const module = packages[name]!;
      const internal = new Set(internals[name]);
      const exported = new Set(entries.flatMap(({ module: entry }) => Object.values(entry)));
      const inEntry = (key: string): boolean =>
        entries.some(({ module: entry }) => entry[key] === module[key]);
      // The list names real exports (it does not rot), none of which an entry exports under any name.
      expect([...internal].filter((key) => !(key in module))).toEqual([]);
      expect([...internal].filter((key) => exported.has(module[key]))).toEqual([]);
      expect(Object.keys(module).filter((key) => !internal.has(key) && !inEntry(key))).toEqual([]);
    },
  );
});

describe('maxllm/testing', () => {
  it('resolves through the workspace alias to the same module', () => {
    expect(testingViaAlias.createMockServer).toBe(testing.createMockServer);
  });

  it('resolves from dist through the package exports, with the same names', () => {
    // Node resolves the package's own name through its `exports` (self-reference), as a user's project would.
    const script = `const m = await import('maxllm/testing'); console.log(JSON.stringify(Object.keys(m).sort()));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: packageDir,
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual(Object.keys(testing).sort());
  });
});
