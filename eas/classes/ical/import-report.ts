// What an import says: one line per refused entry (where and why), per skipped component and per
// warning (what EAS could not carry and was kept for export), then the counts. Refused entries
// make the exit code 1: the good ones are imported, but the file was not, whole.

import type { ReadResult } from './entries.js';
import type { ImportOutcome } from './import-docs.js';

export interface ImportReport {
  /** Lines for stderr (refused, skipped, warnings). */
  problems: string[];
  /** The summary line for stdout. */
  summary: string;
  exitCode: number;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function importReport(file: string, read: ReadResult, outcome: ImportOutcome, what: { noun: string; folder: string; address: string }): ImportReport {
  const refused = [...read.refused, ...outcome.refused];
  const lines = [
    ...refused.map((p) => ({ position: p.position, text: `refused: ${p.reason}` })),
    ...read.skipped.map((p) => ({ position: p.position, text: `skipped: ${p.reason}` })),
    ...read.entries.flatMap((e) => e.notes.map((n) => ({ position: e.position, text: `warning: ${n}` }))),
  ];
  // In file order ("line 9" before "line 12"); the sort is stable within one line.
  const lineOf = (position: string): number => Number(/line (\d+)/.exec(position)?.[1] ?? 0);
  const problems = lines.sort((a, b) => lineOf(a.position) - lineOf(b.position)).map((l) => `${file} ${l.position}: ${l.text}`);
  const written = outcome.added + outcome.updated + outcome.unchanged;
  const summary =
    `imported ${plural(written, what.noun)} into "${what.folder}" of ${what.address}: ` +
    `${outcome.added} added, ${outcome.updated} updated, ${outcome.unchanged} unchanged` +
    (refused.length > 0 ? `; ${refused.length} refused (see above)` : '');
  return { problems, summary, exitCode: refused.length > 0 ? 1 : 0 };
}
