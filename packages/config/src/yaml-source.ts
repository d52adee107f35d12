import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import type { Document, Node } from 'yaml';
import { ConfigParseError } from './errors';

/** A key path into the document: map keys and list indexes. */
export type KeyPath = readonly (string | number)[];

/** Parsed YAML that can tell where a key path sits in the text. */
export interface YamlSource {
  /** The document as plain data (`null` for an empty file), merge keys applied. */
  data: unknown;
  /**
   * 1-based line and column of the value at `path` (of its key with `at: 'key'`), or of its nearest existing parent.
   */
  locate: (path: KeyPath, at?: 'key' | 'value') => { line: number; column: number };
  /** True when the node at `path` carries an anchor (`&name`): a `model_list` item that is only a base for `<<: *name`. */
  anchored: (path: KeyPath) => boolean;
  /** Warnings from the YAML parser, with positions. */
  warnings: string[];
}

/** `model_list[3].litellm_params.rpm` from `['model_list', 3, 'litellm_params', 'rpm']`. */
export function formatKeyPath(path: KeyPath): string {
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`))
    .join('');
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && (typeof key.value === 'symbol' || key.value === '<<');
}

function child(
  document: Document,
  node: unknown,
  part: string | number,
  at: 'key' | 'value',
  depth = 0,
): Node | undefined {
  const target = isAlias(node) ? node.resolve(document) : node;
  if (isSeq(target) && typeof part === 'number') return target.items[part] as Node | undefined;
  if (!isMap(target) || depth > 10) return undefined;
  for (const pair of target.items) {
    if (isScalar(pair.key) && String(pair.key.value) === String(part)) {
      return (at === 'key' ? pair.key : (pair.value ?? pair.key)) as Node;
    }
  }
  for (const pair of target.items) {
    if (!isMergeKey(pair.key)) continue;
    const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
    for (const source of sources) {
      const found = child(document, source, part, at, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/** Parses YAML (1.2 core schema plus YAML 1.1 `<<` merge keys). Throws {@link ConfigParseError} with a position. */
export function readYaml(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, merge: true, prettyErrors: false });
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const [error] = document.errors;
  if (error) throw new ConfigParseError({ file, ...position(error.pos[0]) }, error.message, { cause: error });
  let unresolved: { source: string; offset: number } | undefined;
  visit(document, {
    Alias(_key, alias) {
      if (alias.resolve(document) !== undefined) return undefined;
      unresolved = { source: alias.source, offset: alias.range?.[0] ?? 0 };
      return visit.BREAK;
    },
  });
  if (unresolved) {
    const detail = `alias *${unresolved.source} refers to no anchor (define &${unresolved.source} before using it)`;
    throw new ConfigParseError({ file, ...position(unresolved.offset) }, detail);
  }
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: 10_000 });
  } catch (cause) {
    throw new ConfigParseError({ file, line: 1, column: 1 }, (cause as Error).message, { cause });
  }
  return {
    data,
    warnings: document.warnings.map((warning) => {
      const { line, column } = position(warning.pos[0]);
      return `${file}:${line}:${column}: ${warning.message}`;
    }),
    locate(path, at = 'value') {
      let node: unknown = document.contents;
      let found = node as Node | null;
      for (const [index, part] of path.entries()) {
        node = child(document, node, part, index === path.length - 1 ? at : 'value');
        if (!node) break;
        found = node as Node;
      }
      const offset = found?.range?.[0];
      return offset === undefined ? { line: 1, column: 1 } : position(offset);
    },
    anchored(path) {
      let node: unknown = document.contents;
      for (const part of path) {
        node = child(document, node, part, 'value');
        if (!node) return false;
      }
      return typeof (node as { anchor?: unknown }).anchor === 'string';
    },
  };
}
