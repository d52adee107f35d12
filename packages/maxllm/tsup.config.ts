import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { defineConfig, type Options } from 'tsup';

/** An esbuild plugin, as tsup takes it. */
type Plugin = NonNullable<Options['esbuildPlugins']>[number];

/**
 * Makes the MaxLLM packages' runtime `require`s visible to esbuild, so the single file really contains their
 * dependencies: `createRequire(import.meta.url)('pkg')` becomes a static import of `pkg`, and the tokenizer's
 * `require(`gpt-tokenizer/cjs/encoding/${name}`)` becomes a lookup in statically imported encodings.
 * JSON lookups (`.../package.json`) are left alone: the packages fall back when they cannot be resolved.
 */
function inlineRuntimeRequires(): Plugin {
  return {
    name: 'maxllm-inline-runtime-requires',
    setup(build) {
      build.onLoad({ filter: /[\\/]packages[\\/][a-z-]+[\\/]dist[\\/]index\.js$/ }, async (args) => {
        let contents = await readFile(args.path, 'utf8');
        const imports: string[] = [];
        contents = contents.replace(
          /\bcreateRequire\d*\(import\.meta\.url\)\((["'])([^"']+)\1\)/g,
          (match, _quote: string, specifier: string) => {
            if (specifier.endsWith('.json')) return match;
            const name = `__maxllmInlined${imports.length}`;
            imports.push(`import * as ${name} from ${JSON.stringify(specifier)};`);
            return name;
          },
        );
        contents = contents.replace(
          /\b\w+\(`gpt-tokenizer\/cjs\/encoding\/\$\{(\w+)\}`\)/g,
          (_match, variable: string) => {
            if (!imports.some((line) => line.includes('__maxllmEncodings'))) {
              imports.push(
                'import * as __maxllmO200k from "gpt-tokenizer/encoding/o200k_base";',
                'import * as __maxllmCl100k from "gpt-tokenizer/encoding/cl100k_base";',
                'const __maxllmEncodings = { o200k_base: __maxllmO200k, cl100k_base: __maxllmCl100k };',
              );
            }
            return `__maxllmEncodings[${variable}]`;
          },
        );
        return {
          contents: `${imports.join('\n')}\n${contents}`,
          loader: 'js',
          resolveDir: dirname(args.path),
        };
      });
    },
  };
}

export default defineConfig([
  {
    entry: ['src/index.ts', 'src/testing.ts'],
    format: ['esm'],
    target: 'node20',
    dts: true,
    sourcemap: true,
    clean: true,
  },
  {
    // One self-contained ESM file to copy into a project (as the original single-file library could be):
    // every MaxLLM package and their dependencies inlined; only `openai` (the user's SDK) and the optional
    // `ioredis` (Redis-shared limits) stay imports. CommonJS dependencies (cacache...) get a real `require` through createRequire.
    entry: { 'maxllm.single': 'src/index.ts' },
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    dts: false,
    sourcemap: false,
    clean: false,
    splitting: false,
    // tsup lets `noExternal` win over `external`: the exceptions live in the pattern itself.
    noExternal: [/^(?!(openai|ioredis)(\/|$))/],
    external: ['openai', /^openai\//, 'ioredis'],
    esbuildPlugins: [inlineRuntimeRequires()],
    banner: {
      js: "import { createRequire as __maxllmCreateRequire } from 'node:module';\nconst require = __maxllmCreateRequire(import.meta.url);",
    },
  },
]);
