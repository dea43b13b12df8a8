import dockerignore, { type Ignore } from '@balena/dockerignore';

// The package is CommonJS (module.exports = factory) with a default-export typing.
const ignore = ((dockerignore as unknown as { default?: () => Ignore }).default ?? dockerignore) as unknown as () => Ignore;

/**
 * Docker's .dockerignore rules (patterns with `*`, `**`, `?`, `!` exceptions, `#` comments)
 * as a predicate on clean relative paths. A path is ignored when it or a parent matches
 * and no later `!` exception matches it.
 */
export function ignoreMatcher(text: string): (path: string) => boolean {
  const patterns = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const ig = ignore().add(patterns);
  return (path) => ig.ignores(path);
}
