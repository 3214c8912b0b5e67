// Starting one of eas-push's worker threads (the parse pool's, the WAL checkpointer's) from
// whatever form the program takes: a .js file (compiled, or the single-file bundle that is its
// own worker) or a .ts file under tsx. Node 20 does not apply the hooks of `--import tsx` to a
// worker's entry script, so a .ts entry gets a bootstrap that registers tsx in the worker first.

import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export function startWorkerThread(entry: string | URL, role: string, execArgv?: string[]): Worker {
  const href = entry instanceof URL ? entry.href : pathToFileURL(entry).href;
  const common = { workerData: { role }, ...(execArgv ? { execArgv } : {}) };
  if (!href.endsWith('.ts')) return new Worker(entry, common);
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(href)}); });`;
  return new Worker(boot, { ...common, eval: true });
}

/** The file beside `moduleUrl` named `name` (.ts under tsx, .js compiled); null in a CommonJS bundle. */
export function siblingEntry(moduleUrl: string | undefined, name: string): URL | null {
  if (!moduleUrl) return null;
  return new URL(moduleUrl.endsWith('.ts') ? `./${name}.ts` : `./${name}.js`, moduleUrl);
}
