// Where each component of an iCalendar (RFC 5545 3.4) or vCard (RFC 6350 3.3) file begins and
// ends, with its line numbers, so that each entry is parsed (by ical.js) on its own: one broken
// VEVENT or VCARD is reported with its line and the others still import. Only BEGIN/END lines
// are looked at here; a folded continuation line starts with a space, so it is never one.

export interface Block {
  /** Upper-case component name: "VEVENT", "VCARD". */
  name: string;
  /** 1-based line of its BEGIN. */
  line: number;
  /** Its lines from BEGIN to END, as in the file (folded lines kept folded). */
  lines: string[];
  /** Why the block is unusable as it stands (no END, mismatched END); null when whole. */
  broken: string | null;
}

export interface RootBlock extends Block {
  /** Its direct sub-components (VEVENT, VTIMEZONE… of a VCALENDAR; none for a VCARD). */
  children: Block[];
  /** Its own property lines with its BEGIN and END, without the sub-components. */
  ownLines: string[];
}

export interface FileProblem {
  line: number;
  reason: string;
}

export interface SplitFile {
  roots: RootBlock[];
  /** Lines that belong to no component. */
  stray: FileProblem[];
}

/** Stray lines as one problem per run of consecutive lines ("line 7": its first line). */
export function strayRuns(stray: readonly FileProblem[]): { position: string; reason: string }[] {
  const runs: { position: string; reason: string }[] = [];
  let last = -2;
  for (const s of stray) {
    if (s.line !== last + 1) runs.push({ position: `line ${s.line}`, reason: s.reason });
    last = s.line;
  }
  return runs;
}

const BEGIN = /^BEGIN:(.*)$/i;
const END = /^END:(.*)$/i;

export function splitBlocks(text: string): SplitFile {
  // A lone CR inside a line is content (Thunderbird writes one into X- values); CRs before the LF
  // are line ends (a DOS file converted twice has "\r\r\n"); only a file with no LF at all
  // (classic Mac) has CR line ends.
  const lines = text.includes('\n') ? text.split('\n').map((l) => l.replace(/\r+$/, '')) : text.split('\r');
  const roots: RootBlock[] = [];
  const stray: FileProblem[] = [];
  let root: RootBlock | null = null;
  let child: Block | null = null;
  /** Names opened inside the current child, below it (VALARM in a VEVENT). */
  let inner: string[] = [];

  const closeChild = (): void => {
    if (child && root) root.children.push(child);
    child = null;
    inner = [];
  };

  lines.forEach((raw, i) => {
    const n = i + 1;
    if (raw.trim() === '') return;
    const begin = BEGIN.exec(raw);
    const end = END.exec(raw);
    const name = (begin?.[1] ?? end?.[1] ?? '').trim().toUpperCase();

    if (!root) {
      if (begin) root = { name, line: n, lines: [raw], broken: null, children: [], ownLines: [raw] };
      else stray.push({ line: n, reason: 'text outside any BEGIN/END component' });
      return;
    }
    root.lines.push(raw);
    if (child) {
      child.lines.push(raw);
      if (begin) inner.push(name);
      else if (end) {
        if (inner.length > 0 && inner[inner.length - 1] === name) inner.pop();
        else if (inner.length === 0 && name === child.name) closeChild();
        else if (name === root.name) {
          // The root ends while the child is open: the child never ended.
          child.lines.pop();
          child.broken ??= `BEGIN:${child.name} has no END:${child.name}`;
          closeChild();
          root.ownLines.push(raw);
          roots.push(root);
          root = null;
        } else child.broken ??= `line ${n}: END:${name} does not close ${inner.length ? `BEGIN:${inner[inner.length - 1]}` : `BEGIN:${child.name}`}`;
      }
      return;
    }
    if (begin && name === root.name) {
      // A component of the root's own kind cannot be inside it: the previous one never ended.
      root.lines.pop();
      root.broken ??= `BEGIN:${root.name} has no END:${root.name}`;
      roots.push(root);
      root = { name, line: n, lines: [raw], broken: null, children: [], ownLines: [raw] };
    } else if (begin) {
      child = { name, line: n, lines: [raw], broken: null };
      inner = [];
    } else if (end) {
      root.ownLines.push(raw);
      if (name !== root.name) root.broken ??= `line ${n}: END:${name} does not close BEGIN:${root.name}`;
      roots.push(root);
      root = null;
    } else root.ownLines.push(raw);
  });

  const open = child as Block | null;
  const last = root as RootBlock | null;
  if (open) {
    open.broken ??= `BEGIN:${open.name} has no END:${open.name}`;
    closeChild();
  }
  if (last) {
    last.broken ??= `BEGIN:${last.name} has no END:${last.name}`;
    roots.push(last);
  }
  return { roots, stray };
}
