// The test files that start a whole server, for the suite's second pass on PostgreSQL
// (scripts/test.sh): every test/**/*.test.ts that reaches test/helpers/server.ts through its
// relative imports, however many helpers lie between (a world.ts, a harness). Found by the
// imports, not listed by hand, so a new end-to-end test is in the second pass without anyone
// remembering to add it. Prints one path a line, sorted.

import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TEST = join(ROOT, 'test');
const SERVER_HELPER = join(TEST, 'helpers', 'server.ts');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === 'fixtures' ? [] : walk(join(dir, e.name))) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The .ts files a module imports by relative path (`from './x.js'`, `import('./x.js')`). */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)) {
    found.push(resolve(dirname(file), m[1]!).replace(/\.js$/, '.ts'));
  }
  return found;
}

const reaches = new Map<string, boolean>();
function reachesServer(file: string, visiting = new Set<string>()): boolean {
  if (file === SERVER_HELPER) return true;
  const known = reaches.get(file);
  if (known !== undefined) return known;
  if (visiting.has(file) || !file.startsWith(TEST)) return false;
  visiting.add(file);
  let result = false;
  for (const dep of relativeImports(file)) {
    try {
      if (reachesServer(dep, visiting)) {
        result = true;
        break;
      }
    } catch {
      // An import of a file that is not there (a .json, a generated file): not a helper.
    }
  }
  reaches.set(file, result);
  return result;
}

const files = walk(TEST)
  // test/store-pg runs on PostgreSQL in the first pass already, with stores of its own.
  .filter((f) => f.endsWith('.test.ts') && !f.startsWith(join(TEST, 'store-pg')) && reachesServer(f))
  .map((f) => relative(ROOT, f))
  .sort();
process.stdout.write(files.map((f) => `${f}\n`).join(''));
