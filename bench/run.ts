// Benchmark runner: `npm run bench` runs all, `npx tsx bench/run.ts wbxml …` the named ones.
// Each benchmark module exports run(); they run one after another so they do not compete for CPU.

type Bench = () => Promise<{ run: () => Promise<void> }>;

const BENCHMARKS: Readonly<Record<string, Bench>> = {
  wbxml: () => import('./wbxml.js'),
};

async function main(names: string[]): Promise<number> {
  const selected = names.length > 0 ? names : Object.keys(BENCHMARKS);
  const unknown = selected.filter((n) => !(n in BENCHMARKS));
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
    return 2;
  }
  for (const name of selected) {
    const mod = await BENCHMARKS[name]!();
    await mod.run();
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
