// MS-ASEMAIL 2.2.2.37 GlobalObjId (MS-OXOCAL 2.2.1.27 PidLidGlobalObjectId): how an EAS 2.5-14.1
// client learns the UID of the meeting a MeetingRequest is about. A UID that already is such an
// id in hex (Outlook and Exchange write theirs so) is sent as its bytes ("OutlookID"); any other
// is wrapped as a "vCal-Uid" (the ABNF's VCALID). Both read back to the same UID by MS-ASEMAIL
// 3.1.4.7's conversion, so the client finds the Calendar item with that Calendar:UID. A message
// about one occurrence carries the occurrence's date in the id (INSTDATE); a series has zeros.

/** 04 00 00 00 82 00 E0 00 74 C5 B7 10 1A 82 E0 08: the class id every GlobalObjectId begins with. */
const CLASS_ID = Buffer.from('040000008200E00074C5B7101A82E008', 'hex');
const VCAL = Buffer.from('vCal-Uid', 'latin1');
const VCAL_VERSION = Buffer.from([1, 0, 0, 0]);
/** CLASSID (16) + INSTDATE (4) + NOW (8) + RESERVED (8) + BYTECOUNT (4). */
const HEADER = 40;

/** The id's bytes when `uid` is an OutlookID in hex whose BYTECOUNT matches its length; else null. */
function outlookId(uid: string): Buffer | null {
  if (!/^(?:[0-9A-Fa-f]{2})+$/.test(uid) || uid.length < HEADER * 2) return null;
  const bytes = Buffer.from(uid, 'hex');
  if (!bytes.subarray(0, 16).equals(CLASS_ID)) return null;
  return bytes.readUInt32LE(36) === bytes.length - HEADER ? bytes : null;
}

/**
 * The GlobalObjId (base64) of the meeting `uid`; `instance`: the original start of the one
 * occurrence the message is about (its UTC date goes into INSTDATE), or null for the series.
 * NOW (the id's creation time) is 0, so one UID always gives one id.
 */
export function globalObjId(uid: string, instance: Date | null = null): string {
  let id = outlookId(uid);
  if (id) id = Buffer.from(id);
  else {
    const data = Buffer.concat([VCAL, VCAL_VERSION, Buffer.from(uid, 'utf8'), Buffer.from([0])]);
    id = Buffer.alloc(HEADER + data.length);
    CLASS_ID.copy(id, 0);
    id.writeUInt32LE(data.length, 36);
    data.copy(id, HEADER);
  }
  if (instance) {
    const year = instance.getUTCFullYear();
    id.writeUInt8(year >> 8, 16);
    id.writeUInt8(year & 0xff, 17);
    id.writeUInt8(instance.getUTCMonth() + 1, 18);
    id.writeUInt8(instance.getUTCDate(), 19);
  } else id.fill(0, 16, 20);
  return id.toString('base64');
}

/**
 * MS-ASEMAIL 3.1.4.7: the UID a client derives from a GlobalObjId. The tests read ids back with
 * it; MeetingResponse can match a client's id with it.
 */
export function uidOfGlobalObjId(base64: string): string {
  const id = Buffer.from(base64, 'base64');
  const count = id.length >= HEADER ? id.readUInt32LE(36) : -1;
  const isVcal = id.length >= 53 && id.subarray(40, 48).equals(VCAL) && count >= 13 && count <= id.length - HEADER;
  if (!isVcal) {
    const copy = Buffer.from(id);
    if (copy.length >= 20) copy.fill(0, 16, 20);
    return copy.toString('hex').toUpperCase();
  }
  return id.subarray(52, 52 + count - 13).toString('utf8');
}
