import test from 'ava';
import { EasHttpError } from '../../eas/http/errors.js';
import { isBase64Query, parseQuery } from '../../eas/http/query.js';
import { base64Query } from '../helpers/eas-client.js';

// Query strings of real captures (test/fixtures/eas-http/SOURCE.md).
const WINDOWS_MAIL_ITEMOPS = 'oRMHBBA04HKKtWjKEFxAc0UHjCybBAAAAAALV2luZG93c01haWwHAQI=';
const WINDOWS_MAIL_SETTINGS = 'oREHBBA04HKKtWjKEFxAc0UHjCybBAAAAAALV2luZG93c01haWw=';
const SPEC_EXAMPLE = 'jAAJBAp2MTQwRGV2aWNlAApTbWFydFBob25l';

test('Windows Mail base64 ItemOperations query decodes as syncgw recorded it', (t) => {
  const q = parseQuery(WINDOWS_MAIL_ITEMOPS, { 'ms-asprotocolversion': '16.1' });
  t.is(q.cmd, 'ItemOperations');
  t.is(q.protocolVersion, '16.1');
  t.is(q.deviceId, '34e0728ab568ca105c407345078c2c9b');
  t.is(q.deviceType, 'WindowsMail');
  t.is(q.policyKey, 0);
  t.is(q.params.Locale, '1031');
  t.true(q.acceptMultiPart);
  t.false(q.saveInSent);
});

test('Windows Mail base64 Settings query has no options', (t) => {
  const q = parseQuery(`?${WINDOWS_MAIL_SETTINGS}`, {});
  t.is(q.cmd, 'Settings');
  t.false(q.acceptMultiPart);
  t.is(q.user, null);
});

test('the MS-ASHTTP example: printable device ids stay strings', (t) => {
  const q = parseQuery(SPEC_EXAMPLE, {});
  t.is(q.cmd, 'Sync');
  t.is(q.protocolVersion, '14.0');
  t.is(q.deviceId, 'v140Device');
  t.is(q.deviceType, 'SmartPhone');
  t.is(q.policyKey, null);
});

test('base64 query: URL-encoded, with parameters, SaveInSent and a policy key', (t) => {
  const b64 = base64Query({
    version: '14.1', cmd: 'SmartReply', deviceId: 'dev1', deviceType: 'iPhone', policyKey: 123456789,
    user: 'alice@example.com', params: { ItemId: '5:17', CollectionId: '5', SaveInSent: 'T' },
  });
  const q = parseQuery(encodeURIComponent(b64), { 'ms-asprotocolversion': '12.1' });
  t.is(q.cmd, 'SmartReply');
  t.is(q.protocolVersion, '14.1', 'the base64 version wins over the header');
  t.is(q.policyKey, 123456789);
  t.is(q.user, 'alice@example.com');
  t.is(q.params.ItemId, '5:17');
  t.is(q.params.CollectionId, '5');
  t.true(q.saveInSent);
});

test('plain query with headers', (t) => {
  const q = parseQuery('Cmd=SendMail&User=t2%40dev.fd&DeviceId=Nine45069EA34A52&DeviceType=Android&SaveInSent=T', {
    'ms-asprotocolversion': '12.1',
    'x-ms-policykey': '56210',
  });
  t.is(q.cmd, 'SendMail');
  t.is(q.user, 't2@dev.fd');
  t.is(q.deviceId, 'Nine45069EA34A52');
  t.is(q.deviceType, 'Android');
  t.is(q.policyKey, 56210);
  t.true(q.saveInSent);
  t.is(q.protocolVersion, '12.1');
});

test('plain query detection never mistakes a plain query for base64', (t) => {
  t.false(isBase64Query('Cmd=Sync&User=a&DeviceId=b&DeviceType=c'));
  t.false(isBase64Query(''));
  t.true(isBase64Query(WINDOWS_MAIL_SETTINGS));
});

for (const [name, qs, headers] of [
  ['missing Cmd', 'User=a&DeviceId=b&DeviceType=c', {}],
  ['missing DeviceId', 'Cmd=Sync&User=a&DeviceType=c', {}],
  ['unsupported version 11.0', 'Cmd=Sync&DeviceId=b&DeviceType=c', { 'ms-asprotocolversion': '11.0' }],
  ['garbage version', 'Cmd=Sync&DeviceId=b&DeviceType=c', { 'ms-asprotocolversion': 'x' }],
  ['bad policy key', 'Cmd=Sync&DeviceId=b&DeviceType=c', { 'x-ms-policykey': 'abc' }],
  ['truncated base64', 'oRMHBBA04HKKtWjK', {}],
  ['control characters in DeviceId', 'Cmd=Sync&DeviceId=a%00b&DeviceType=c', {}],
] as const) {
  test(`400 for ${name}`, (t) => {
    const err = t.throws(() => parseQuery(qs, headers), { instanceOf: EasHttpError });
    t.is(err?.status, 400);
  });
}

test('an unsupported version answer lists the versions we offer', (t) => {
  const err = t.throws(() => parseQuery('Cmd=Sync&DeviceId=b&DeviceType=c', { 'ms-asprotocolversion': '2.0' }), {
    instanceOf: EasHttpError,
  });
  t.is(err?.headers['MS-ASProtocolVersions'], '2.5,12.0,12.1,14.0,14.1,16.0,16.1');
});
