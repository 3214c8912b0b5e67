// The esbuild step of the single-file binary: bin's CLI (through build/sea-entry.ts) and every
// dependency in one CommonJS file, the only form a Node 20 SEA main script can take. Shared by
// build/binary.ts and test/binary (which bundles without building the whole binary).

import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Modules whose import.meta use was written for a bundle (it is empty in CJS and they fall
 * back for that). Any other use fails the build rather than break at run time.
 */
const IMPORT_META_AWARE = new Set(['plugin/parse-pool.ts', 'store/checkpointer.ts', 'store/worker-start.ts']);

export class BundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundleError';
  }
}

export interface BundleReport {
  /** esbuild's warnings that were not about a known-safe import.meta, for the build log. */
  warnings: string[];
}

export async function bundleCli(outfile: string): Promise<BundleReport> {
  const result = await build({
    entryPoints: [join(ROOT, 'build', 'sea-entry.ts')],
    outfile,
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // better-sqlite3 finds its addon through `bindings`; in the binary it is an SEA asset.
    alias: { bindings: join(ROOT, 'build', 'sea-bindings.cjs') },
    // Readable stack traces in bug reports matter more than a few hundred KB in a 90 MB file.
    minify: false,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const where = (w: (typeof result.warnings)[number]): string => (w.location ? `${relative(ROOT, resolve(ROOT, w.location.file))}:${w.location.line}` : '?');
  const isMeta = (w: (typeof result.warnings)[number]): boolean => /import\.meta/.test(w.text);
  const unsafe = result.warnings.filter((w) => isMeta(w) && !IMPORT_META_AWARE.has(relative(ROOT, resolve(ROOT, w.location?.file ?? ''))));
  if (unsafe.length > 0) {
    throw new BundleError(`import.meta is used where the binary cannot support it:\n${unsafe.map((w) => `  ${where(w)} ${w.text}`).join('\n')}`);
  }
  return { warnings: result.warnings.filter((w) => !isMeta(w)).map((w) => `${where(w)} ${w.text}`) };
}
