// Benchmark runner: `npm run bench` runs all; `npm run bench -- delivery` one (or several);
// options after the names go to each selected benchmark: `npm run bench -- delivery --runs 3`.
// They run one after another so they do not compete for CPU.

import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

type Bench = () => Promise<{ run: (argv: string[]) => Promise<void> }>;

const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * bench/push.ts and bench/cross-node.ts run on import and need the open-file limit raised before
 * node starts (each parked Ping is a socket): a shell raises it, then execs node.
 */
const inItsOwnProcess =
  (file: string): Bench =>
  async () => ({
    run: (argv) =>
      new Promise((resolve, reject) => {
        const child = spawn(
          'bash',
          ['-c', 'ulimit -n "$(ulimit -Hn)" && exec "$0" "$@"', process.execPath, '--import', 'tsx', join(HERE, file), ...argv],
          { stdio: 'inherit' },
        );
        child.once('error', reject);
        child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bench/${file} exited with ${code}`))));
      }),
  });

const BENCHMARKS: Readonly<Record<string, Bench>> = {
  wbxml: () => import('./wbxml.js'),
  delivery: () => import('./delivery.js'),
  'initial-sync': () => import('./initial-sync.js'),
  pim: () => import('./pim.js'),
  push: inItsOwnProcess('push.ts'),
  'cross-node': inItsOwnProcess('cross-node.ts'),
  invite: () => import('./invite.js'),
  import: () => import('./import.js'),
  deadlines: () => import('./deadlines.js'),
};

async function main(argv: string[]): Promise<number> {
  const firstOption = argv.findIndex((a) => a.startsWith('--'));
  const names = firstOption < 0 ? argv : argv.slice(0, firstOption);
  const options = firstOption < 0 ? [] : argv.slice(firstOption);
  const selected = names.length > 0 ? names : Object.keys(BENCHMARKS);
  const unknown = selected.filter((n) => !(n in BENCHMARKS));
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
    return 2;
  }
  for (const name of selected) {
    const mod = await BENCHMARKS[name]!();
    await mod.run(options);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
