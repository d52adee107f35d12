import { InvalidNamespaceError } from './errors';

/**
 * All namespaces share one cacache directory; the cacache key is `namespace + NUL + key`. cacache hashes keys into
 * file names, so a namespace may hold `/`, `*`, `:` or anything but NUL without touching the file system layout.
 */
export function storageKey(namespace: string, key: string): string {
  if (namespace === '' || namespace.includes('\u0000')) {
    throw new InvalidNamespaceError(
      `Invalid cache namespace ${JSON.stringify(namespace)}: empty or contains NUL`,
    );
  }
  if (key === '')
    throw new InvalidNamespaceError(`Empty cache key in namespace ${JSON.stringify(namespace)}`);
  return `${namespace}\u0000${key}`;
}

/** The prefix shared by every storage key of `namespace`. */
export function namespacePrefix(namespace: string): string {
  return storageKey(namespace, '-').slice(0, -1);
}
