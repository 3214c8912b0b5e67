// MS-ASEMAIL 2.2.2.37 GlobalObjId as a 12.1-14.1 client reads it (3.1.4.7): every UID reads back
// as itself, whether it is wrapped as a vCal-Uid or already is an Outlook id in hex.

import test from 'ava';
import { newUid } from '../../eas/classes/calendar/uid.js';
import { globalObjId, uidOfGlobalObjId } from '../../eas/imip/global-obj-id.js';

test('a UID that is not an Outlook id is wrapped as a vCal-Uid (the ABNF\'s VCALID) and reads back', (t) => {
  const uid = '65m17hsdolmotv3kvmrtg40ont@google.com';
  const id = Buffer.from(globalObjId(uid), 'base64');
  t.is(id.subarray(0, 16).toString('hex').toUpperCase(), '040000008200E00074C5B7101A82E008');
  t.deepEqual([...id.subarray(16, 20)], [0, 0, 0, 0], 'INSTDATE: the series');
  t.is(id.readUInt32LE(36), 8 + 4 + Buffer.byteLength(uid) + 1);
  t.is(id.subarray(40, 48).toString('latin1'), 'vCal-Uid');
  t.deepEqual([...id.subarray(48, 52)], [1, 0, 0, 0]);
  t.is(id[id.length - 1], 0);
  t.is(uidOfGlobalObjId(globalObjId(uid)), uid);
  t.is(globalObjId(uid), globalObjId(uid), 'one UID, one id');
});

test('an Outlook/Exchange UID (a PidLidGlobalObjectId in hex) is sent as its bytes and reads back', (t) => {
  const uid = newUid(new Date('2030-01-01T00:00:00Z'));
  const id = Buffer.from(globalObjId(uid), 'base64');
  t.is(id.toString('hex').toUpperCase(), uid);
  t.is(uidOfGlobalObjId(globalObjId(uid)), uid);
});

test('an occurrence\'s id carries its date (INSTDATE) and still reads back to the series\' UID', (t) => {
  const instance = new Date('2022-03-17T11:00:00Z');
  for (const uid of ['02e79b96', newUid(new Date('2030-01-01T00:00:00Z'))]) {
    const id = Buffer.from(globalObjId(uid, instance), 'base64');
    t.deepEqual([...id.subarray(16, 20)], [0x07, 0xe6, 3, 17], '2022-03-17: YH YL M D');
    t.is(uidOfGlobalObjId(id.toString('base64')), uid);
  }
});
