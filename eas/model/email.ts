// MS-ASEMAIL 2.2.2 (Email and Email2 classes) with MS-ASAIRS 2.2.2 (Body, BodyPart, Attachments,
// NativeBodyType): the one place that maps a stored mail item to ApplicationData, and a client's
// Sync Change back. Per-version rules: Categories, ConversationId/Index, ReceivedAsBcc and
// Preview are 14.0+, BodyPart 14.1+, IsDraft 16.0+; AirSyncBase, Flag and ContentClass are 12.0+.
// At 2.5 the body and attachments are the Email namespace's own (Email:Body/BodyTruncated/
// BodySize or Email:MIMEData/MIMETruncated/MIMESize, Email:Attachments: eas/model/body-25.ts).

import type { Flag, MailItem, MessageBody } from '../../store/types.js';
import { el } from '../wbxml/tree.js';
import type { WbxmlElement } from '../wbxml/tree.js';
import { atLeast, type ProtocolVersion } from '../protocol.js';
import type { ItemOptions } from './options.js';
import { addressList, displayAddress, displayTo } from './addresses.js';
import { attachmentsElement, attachmentsElement25 } from './attachments.js';
import { bodyElement, bodyPartElement, nativeBodyType } from './body.js';
import { emailBody25 } from './body-25.js';
import { conversationId, conversationIndex } from './conversation.js';
import { flagElement, parseFlag } from './flag.js';
import { isDraft, receivedAsBcc, type ItemContext } from './item-context.js';
import { readMeeting } from '../imip/meeting.js';
import { meetingRequestElement } from '../imip/render.js';

/** MS-ASEMAIL 2.2.2.39 InternetCPID: we always send UTF-8. */
const CPID_UTF8 = 65001;
const CONTENT_CLASS = 'urn:content-classes:message';
/** The content class of a meeting message (a request, cancellation or response). */
const MEETING_CONTENT_CLASS = 'urn:content-classes:calendarmessage';


/**
 * MS-ASEMAIL 2.2.2.24: when the message "was received by the current recipient", i.e. when it
 * reached this mailbox, not the sender's Date header (which a skewed or forged clock sets: a
 * phone sorts its list by this). The header only stands in when the arrival time is unreadable.
 * Always YYYY-MM-DDTHH:MM:SS.sssZ (iOS shows the sync time for anything else).
 */
export function dateReceived(item: MailItem): string {
  for (const v of [item.receivedAt, item.summary.date]) {
    const ms = Date.parse(v);
    if (!Number.isNaN(ms)) return new Date(ms).toISOString();
  }
  return new Date(0).toISOString();
}

/** Single-line string for a header-like field. */
function line(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/**
 * MS-ASEMAIL 2.2.2.50 MessageClass: a meeting message's (IPM.Schedule.Meeting.Request, .Canceled,
 * .Resp.Pos/Tent/Neg: what the delivery found it to be, eas/imip); S/MIME items are
 * IPM.Note.SMIME[.MultipartSigned].
 */
export function messageClass(item: MailItem): string {
  const meeting = readMeeting(item.meeting);
  if (meeting) return meeting.messageClass;
  const types = item.attachments.map((a) => a.contentType.toLowerCase());
  if (types.some((t) => /^application\/(x-)?pkcs7-mime\b/.test(t))) return 'IPM.Note.SMIME';
  if (types.some((t) => /^application\/(x-)?pkcs7-signature\b/.test(t))) return 'IPM.Note.SMIME.MultipartSigned';
  return 'IPM.Note';
}

function categoriesElement(categories: string[]): WbxmlElement {
  return el(
    'Email:Categories',
    categories.map((c) => el('Email:Category', line(c))),
  );
}

/**
 * Children of AirSync:ApplicationData / ItemOperations:Properties / Search:Properties for a
 * full item. The body is loaded once, only here. `context` is required so that no caller can
 * forget it: without it IsDraft and ReceivedAsBcc would silently be wrong.
 */
export async function emailProperties(
  item: MailItem,
  loadBody: () => Promise<MessageBody | null>,
  options: ItemOptions,
  version: ProtocolVersion,
  context: ItemContext,
): Promise<WbxmlElement[]> {
  const s = item.summary;
  const body = await loadBody();
  const attachmentTypes = item.attachments.map((a) => a.contentType);
  const v14 = atLeast(version, '14.0');
  const v12 = atLeast(version, '12.0');
  const from = s.from[0];
  // MS-ASEMAIL 2.2.2.48: a meeting request or cancellation carries the meeting, so the phone can
  // show it and answer it (MeetingResponse); a response to the user's own meeting does not.
  const meeting = readMeeting(item.meeting);
  const out: (WbxmlElement | undefined | false)[] = [
    el('Email:To', addressList(s.to)),
    s.cc.length > 0 && el('Email:Cc', addressList(s.cc)),
    el('Email:From', from ? displayAddress(from) : ''),
    el('Email:Subject', line(s.subject)),
    s.replyTo.length > 0 && el('Email:ReplyTo', addressList(s.replyTo)),
    el('Email:DateReceived', dateReceived(item)),
    el('Email:DisplayTo', displayTo(s.to)),
    el('Email:ThreadTopic', line(s.threadTopic ?? s.subject)),
    el('Email:Importance', s.importance),
    el('Email:Read', item.read ? '1' : '0'),
    v12 ? attachmentsElement(item.attachments) : attachmentsElement25(item.attachments),
    ...(v12 ? [bodyElement(body, s.preview, attachmentTypes, options, version)] : emailBody25(body, attachmentTypes, options)),
    ...(atLeast(version, '14.1') ? options.bodyPartPreferences.map((p) => bodyPartElement(body, s.preview, p)) : []),
    el('Email:MessageClass', messageClass(item)),
    !!meeting?.request && meetingRequestElement(meeting.request, version),
    el('Email:InternetCPID', CPID_UTF8),
    v12 && flagElement(item.flag),
    v12 && el('Email:ContentClass', meeting ? MEETING_CONTENT_CLASS : CONTENT_CLASS),
    v12 && el('AirSyncBase:NativeBodyType', nativeBodyType(body)),
    v14 && el('Email2:ConversationId', conversationId(item)),
    v14 && el('Email2:ConversationIndex', conversationIndex(item)),
    ...(v14 ? lastVerbElements(item) : []),
    v14 && item.categories.length > 0 && categoriesElement(item.categories),
    // Optional boolean: sent only when true, as absence already means "not a blind copy".
    v14 && receivedAsBcc(item, context) && el('Email2:ReceivedAsBcc', 1),
    // Sent for every item from 16.0 on (0 as well): clients list drafts by it.
    atLeast(version, '16.0') && el('Email2:IsDraft', isDraft(context) ? 1 : 0),
  ];
  return out.filter((e): e is WbxmlElement => !!e);
}

/**
 * MS-ASEMAIL 2.2.2.44/45 (14.0+): replied to or forwarded from a phone, and when, so every phone
 * shows the message's reply or forward icon. Nothing when it was neither.
 */
function lastVerbElements(item: MailItem): WbxmlElement[] {
  if (!item.lastVerb) return [];
  return [el('Email2:LastVerbExecuted', item.lastVerb.verb), el('Email2:LastVerbExecutionTime', item.lastVerb.at)];
}

/**
 * What a Sync server Change carries for mail: the flags a user changes on another device, and
 * the last verb (a reply or forward sent from a phone).
 * Flag and Categories are always present so that clearing them reaches the phone.
 */
export function emailChangeProperties(item: MailItem, version: ProtocolVersion): WbxmlElement[] {
  // Flag is 12.0+ (MS-ASEMAIL 2.2.2.34): a 2.5 client hears of Read only.
  const out: WbxmlElement[] = [el('Email:Read', item.read ? '1' : '0')];
  if (atLeast(version, '12.0')) out.push(flagElement(item.flag));
  if (atLeast(version, '14.0')) out.push(categoriesElement(item.categories), ...lastVerbElements(item));
  return out;
}

/**
 * A client's Sync Change of a mail item: Read, Flag, Categories. Fields absent stay absent;
 * unusable values (Read "7", Flag Status 9) are left out, so the stored item keeps its value.
 */
export function parseEmailChange(appData: WbxmlElement): { read?: boolean; flag?: Flag | null; categories?: string[] } {
  const change: { read?: boolean; flag?: Flag | null; categories?: string[] } = {};
  const read = appData.intOf('Email:Read');
  if (read === 0 || read === 1) change.read = read === 1;
  const flagEl = appData.child('Email:Flag');
  if (flagEl) {
    const flag = parseFlag(flagEl);
    if (flag !== undefined) change.flag = flag;
  }
  // Categories is an Email element; accept it from Email2 too, as some clients misplace it.
  const cats = appData.child('Email:Categories') ?? appData.child('Email2:Categories');
  if (cats) {
    const seen = new Set<string>();
    for (const c of cats.all('Category')) {
      const name = line(c.text ?? '');
      if (name && !seen.has(name)) seen.add(name);
    }
    change.categories = [...seen];
  }
  return change;
}
