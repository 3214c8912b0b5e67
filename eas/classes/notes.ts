// The Notes class (MS-ASNOTE): Subject, MessageClass, LastModifiedDate, Categories and
// AirSyncBase:Body, in the Notes folders, from protocol 14.0 (every MS-ASNOTE element is 14.0 and
// later; MS-ASCMD 2.2.3.27.6: the "Notes" class value is valid only from 14.0). Below 14.0 the
// class does not exist: the factory refuses an Add with Status 6 and Sync answers the collection
// with the class's unsupported status (the lead's Sync).
//
// LastModifiedDate (MS-ASNOTE 2.2.2.4) "specifies when the note was last changed", as a Compact
// DateTime (MS-ASDTYPE 2.7.2, "20230930T022200Z"): a client's value is kept (it knows when the
// user edited the note, offline perhaps) in that form; an Add or Change without one is stamped
// with the time the server applied it, so other devices always get a real modification time.
// MessageClass (MS-ASNOTE 2.2.2.5) defaults to IPM.StickyNote, the class of a note.
//
// Ghosting: as for tasks, MS-ASCMD 2.2.3.179 Supported covers contact and calendar elements only
// and MS-ASNOTE names no ghosting: a Change carries the whole note.

import { FolderType } from '../../store/types.js';
import { formatCompactDateTime, parseEasDateTime } from './contacts/eas-date.js';
import { FAR_FUTURE, mergeKeepingPrivate, wireProps, withoutEmpty } from './contacts/pim-props.js';
import { BODY_TAG } from './doc/body.js';
import { createDocClass, type DocClassSpec } from './doc/doc-class.js';
import { findNode, setNode, textNode, type PropNode } from './doc/nodes.js';
import type { ItemClass } from './types.js';

const LAST_MODIFIED = 'Notes:LastModifiedDate';
const MESSAGE_CLASS = 'Notes:MessageClass';
const DEFAULT_MESSAGE_CLASS = 'IPM.StickyNote';

/** A client's LastModifiedDate in Compact DateTime form; an unreadable one is dropped (restamped). */
function fromClient(sent: PropNode[]): PropNode[] {
  return sent.flatMap((node) => {
    if (node.tag !== LAST_MODIFIED) return [node];
    const t = parseEasDateTime(node.text ?? '');
    return t === null ? [] : [textNode(LAST_MODIFIED, formatCompactDateTime(t))];
  });
}

function completeNote(merged: readonly PropNode[], now: Date): PropNode[] {
  let props = withoutEmpty(merged);
  if (!findNode(props, MESSAGE_CLASS)) props = setNode(props, textNode(MESSAGE_CLASS, DEFAULT_MESSAGE_CLASS));
  if (!findNode(props, LAST_MODIFIED)) props = setNode(props, textNode(LAST_MODIFIED, formatCompactDateTime(now.getTime())));
  return props;
}

function toClient(props: readonly PropNode[]): PropNode[] {
  return wireProps(props, ['Notes', 'AirSyncBase']).filter((n) => n.tag.startsWith('Notes:') || n.tag === BODY_TAG);
}

export function createNotesSpec(): DocClassSpec {
  return {
    name: 'Notes',
    folderTypes: [FolderType.Notes, FolderType.UserNotes],
    minVersion: '14.0',
    // MS-ASCMD 2.2.3.68.2 defines no FilterType for notes: every note is in the window.
    windowSince: () => null,
    fromClient: (sent) => fromClient(sent),
    complete: (props, ctx) => completeNote(props, ctx.now),
    ghosting: () => 'supported',
    merge: (stored, sent) => mergeKeepingPrivate(stored, sent, () => false),
    toClient: (props) => toClient(props),
    windowAt: () => FAR_FUTURE,
    // Notes have no UID in EAS and no importer keeps one.
    uid: () => null,
  };
}

export function createNotesClass(): ItemClass {
  return createDocClass(createNotesSpec());
}

