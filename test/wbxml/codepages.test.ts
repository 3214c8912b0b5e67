// The code page tables: all 26 pages of MS-ASWBXML 16.1, names as the spec writes them, and the
// reverse lookup derived from the same data.

import test from 'ava';
import { ASWBXML, buildIndex, CODE_PAGES } from '../../eas/wbxml/codepages.js';
import { decode, el, encode } from '../../eas/wbxml/index.js';

test('pages 0–25 carry the spec namespace names', (t) => {
  t.deepEqual(
    CODE_PAGES.map((p) => [p.page, p.ns]),
    [
      'AirSync', 'Contacts', 'Email', 'AirNotify', 'Calendar', 'Move', 'GetItemEstimate', 'FolderHierarchy',
      'MeetingResponse', 'Tasks', 'ResolveRecipients', 'ValidateCert', 'Contacts2', 'Ping', 'Provision',
      'Search', 'GAL', 'AirSyncBase', 'Settings', 'DocumentLibrary', 'ItemOperations', 'ComposeMail',
      'Email2', 'Notes', 'RightsManagement', 'Find',
    ].map((ns, page) => [page, ns]),
  );
});

test('every tag encodes to its token and decodes back to its name', (t) => {
  let tags = 0;
  for (const { page, ns, tags: table } of CODE_PAGES) {
    for (const [token, name] of table) {
      const bytes = encode(el(`${ns}:${name}`, 'v'));
      const expected = page === 0 ? [token | 0x40] : [0x00, page, token | 0x40];
      t.deepEqual([...bytes.subarray(4, 4 + expected.length)], expected, `${ns}:${name}`);
      t.is(decode(bytes).tag, `${ns}:${name}`);
      tags++;
    }
  }
  t.true(tags > 500);
});

test('pages checked line by line against the spec text: ResolveRecipients, Contacts2, Find', (t) => {
  const names = (page: number) => ASWBXML.namesByPage[page]!.flatMap((n, token) => (n ? [`${token.toString(16)}:${n}`] : []));
  t.deepEqual(names(10), [
    '5:ResolveRecipients', '6:Response', '7:Status', '8:Type', '9:Recipient', 'a:DisplayName', 'b:EmailAddress',
    'c:Certificates', 'd:Certificate', 'e:MiniCertificate', 'f:Options', '10:To', '11:CertificateRetrieval',
    '12:RecipientCount', '13:MaxCertificates', '14:MaxAmbiguousRecipients', '15:CertificateCount',
    '16:Availability', '17:StartTime', '18:EndTime', '19:MergedFreeBusy', '1a:Picture', '1b:MaxSize', '1c:Data',
    '1d:MaxPictures',
  ]);
  t.deepEqual(names(12), [
    '5:CustomerId', '6:GovernmentId', '7:IMAddress', '8:IMAddress2', '9:IMAddress3', 'a:ManagerName',
    'b:CompanyMainPhone', 'c:AccountName', 'd:NickName', 'e:MMS',
  ]);
  t.deepEqual(names(25), [
    '5:Find', '6:SearchId', '7:ExecuteSearch', '8:MailBoxSearchCriterion', '9:Query', 'a:Status', 'b:FreeText',
    'c:Options', 'd:Range', 'e:DeepTraversal', '11:Response', '12:Result', '13:Properties', '14:Preview',
    '15:HasAttachments', '16:Total', '17:DisplayCc', '18:DisplayBcc', '19:GalSearchCriterion', '20:MaxPictures',
    '21:MaxSize', '22:Picture',
  ]);
});

test('the index refuses a table that defines something twice or out of range', (t) => {
  t.throws(() => buildIndex([{ page: 0, ns: 'A', tags: [[0x05, 'X'], [0x05, 'Y']] }]), { message: /twice/ });
  t.throws(() => buildIndex([{ page: 0, ns: 'A', tags: [[0x05, 'X'], [0x06, 'X']] }]), { message: /twice/ });
  t.throws(() => buildIndex([{ page: 0, ns: 'A', tags: [] }, { page: 1, ns: 'A', tags: [] }]), { message: /twice/ });
  t.throws(() => buildIndex([{ page: 0, ns: 'A', tags: [[0x40, 'X']] }]), { message: /range/ });
  t.throws(() => buildIndex([{ page: 0, ns: 'A', tags: [[0x03, 'X']] }]), { message: /range/ });
});
