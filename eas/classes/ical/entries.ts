// What reading an .ics or .vcf file gives the importer: one ApplicationData per good entry,
// with the private nodes that keep what EAS cannot carry, and the entries it refused or skipped,
// each with where it is in the file.

import type { WbxmlElement } from '../../wbxml/tree.js';
import type { PropNode } from '../doc/nodes.js';

export interface ImportEntry {
  /** Where it is in the file: "line 25", "line 25 (card 3)". */
  position: string;
  /** The document's UID in the store: import updates the item with this UID instead of adding one. */
  uid: string;
  /** ApplicationData as a client would send it (the class's toDoc reads it). */
  appData: WbxmlElement;
  /** The server's own nodes ("x:ical", "x:vcard") put into the stored document. */
  privateNodes: PropNode[];
  /** Stored properties set after the class's conversion (the event's UID as the file names it). */
  setNodes: PropNode[];
  /** What was not carried over to EAS (kept for export): printed as warnings. */
  notes: string[];
}

export interface EntryProblem {
  position: string;
  reason: string;
}

export interface ReadResult {
  entries: ImportEntry[];
  /** Bad entries: not imported. */
  refused: EntryProblem[];
  /** Components of a kind that is not imported (VTODO in a calendar file…). */
  skipped: EntryProblem[];
}

/** A file that cannot be read at all: nothing is imported. */
export class FileError extends Error {
  override name = 'FileError';
}
