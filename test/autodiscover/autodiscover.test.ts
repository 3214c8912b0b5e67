// MS-ASCMD 2.2.1.1 Autodiscover over a real server: the answers a phone gets when it is given
// only an address and a password.

import test from 'ava';
import { startTestServer, type TestServer, type TestServerOptions } from '../helpers/server.js';
import { autodiscoverBody, rawRequest, xmlText } from './request.js';

const ALICE = 'alice@example.com';
const PASSWORD = 'correct horse';

async function withServer(t: { teardown: (fn: () => Promise<void>) => void }, options: TestServerOptions = {}): Promise<TestServer> {
  const server = await startTestServer(options);
  t.teardown(() => server.stop());
  await server.store.createAccount(ALICE, PASSWORD, 'Alice Liddell');
  return server;
}

test('a known address gets the mobilesync settings with the EAS URL built from the request', async (t) => {
  const s = await withServer(t);
  const res = await rawRequest({ port: s.httpPort, auth: `${ALICE}:${PASSWORD}`, body: autodiscoverBody(ALICE) });
  t.is(res.status, 200);
  t.regex(String(res.headers['content-type']), /^text\/xml/);
  const url = `http://127.0.0.1:${s.httpPort}/Microsoft-Server-ActiveSync`;
  t.is(
    res.text,
    `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006">
    <Culture>en:us</Culture>
    <User>
      <DisplayName>Alice Liddell</DisplayName>
      <EMailAddress>alice@example.com</EMailAddress>
    </User>
    <Action>
      <Settings>
        <Server>
          <Type>MobileSync</Type>
          <Url>${url}</Url>
          <Name>${url}</Name>
        </Server>
      </Settings>
    </Action>
  </Response>
</Autodiscover>
`,
  );
});

test('--public-url is what phones are told, whatever Host the request came with', async (t) => {
  const s = await withServer(t, { publicUrl: 'https://mail.example.com/' });
  const res = await rawRequest({ port: s.httpPort, auth: `${ALICE}:${PASSWORD}`, body: autodiscoverBody(ALICE), headers: { Host: 'internal:8080' } });
  t.is(xmlText(res.text, 'Url'), 'https://mail.example.com/Microsoft-Server-ActiveSync');
});

test('the path is matched in any case, as phones vary it', async (t) => {
  const s = await withServer(t);
  const res = await rawRequest({ port: s.httpPort, path: '/AutoDiscover/AutoDiscover.xml', auth: `${ALICE}:${PASSWORD}`, body: autodiscoverBody(ALICE) });
  t.is(res.status, 200);
  t.is(xmlText(res.text, 'Type'), 'MobileSync');
});

test('the address is compared without regard to case, and the answer names the account', async (t) => {
  const s = await withServer(t);
  const res = await rawRequest({ port: s.httpPort, auth: `${ALICE}:${PASSWORD}`, body: autodiscoverBody('Alice@Example.COM') });
  t.is(xmlText(res.text, 'EMailAddress'), ALICE);
  t.truthy(xmlText(res.text, 'Url'));
});

test('without credentials: 401 with a Basic challenge, before anything is read', async (t) => {
  const s = await withServer(t);
  const res = await rawRequest({ port: s.httpPort, body: autodiscoverBody(ALICE) });
  t.is(res.status, 401);
  t.regex(String(res.headers['www-authenticate']), /^Basic /);
  t.false(res.text.includes('Microsoft-Server-ActiveSync'));
});

test('a wrong password is 401 too', async (t) => {
  const s = await withServer(t);
  const res = await rawRequest({ port: s.httpPort, auth: `${ALICE}:wrong`, body: autodiscoverBody(ALICE) });
  t.is(res.status, 401);
});

test("another account's address gets the provider error (Status 2), the same as an unknown one", async (t) => {
  const s = await withServer(t);
  await s.store.createAccount('bob@example.com', 'bobs password');
  const other = await rawRequest({ port: s.httpPort, auth: `${ALICE}:${PASSWORD}`, body: autodiscoverBody('bob@example.com') });
  const unknown = await rawRequest({ port: s.httpPort, auth: `${ALICE}:${PASSWORD}`, body: autodiscoverBody('nobody@example.com') });
  t.is(other.status, 200);
  t.is(xmlText(other.text, 'Status'), '2');
  t.is(xmlText(other.text, 'EMailAddress'), 'bob@example.com');
  t.false(other.text.includes('<Settings>'));
  t.is(unknown.text.replace(/nobody@example\.com/g, 'bob@example.com'), other.text);
});

test('a schema other than mobilesync gets ErrorCode 601', async (t) => {
  const s = await withServer(t);
  const outlook = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';
  const res = await rawRequest({ port: s.httpPort, auth: `${ALICE}:${PASSWORD}`, body: autodiscoverBody(ALICE, outlook) });
  t.is(res.status, 200);
  t.is(xmlText(res.text, 'ErrorCode'), '601');
  t.regex(res.text, /<Error Time="\d\d:\d\d:\d\d\.\d{7}" Id="\d+">/);
});

test('a malformed request gets ErrorCode 600 Invalid Request', async (t) => {
  const s = await withServer(t);
  const bodies = [
    'not xml at all',
    '',
    autodiscoverBody(ALICE).replace('<Request>', '<Request></Request><Request>'),
    autodiscoverBody(ALICE).replace(/<EMailAddress>.*<\/EMailAddress>/, ''),
    `<!DOCTYPE x [<!ENTITY e "${ALICE}">]>${autodiscoverBody('&e;')}`,
  ];
  for (const body of bodies) {
    const res = await rawRequest({ port: s.httpPort, auth: `${ALICE}:${PASSWORD}`, body });
    t.is(res.status, 200, body);
    t.is(xmlText(res.text, 'ErrorCode'), '600', body);
    t.is(xmlText(res.text, 'Message'), 'Invalid Request');
  }
});

test('GET (some clients probe with it) is 401 without credentials, ErrorCode 600 with them', async (t) => {
  const s = await withServer(t);
  t.is((await rawRequest({ port: s.httpPort, method: 'GET' })).status, 401);
  const res = await rawRequest({ port: s.httpPort, method: 'GET', auth: `${ALICE}:${PASSWORD}` });
  t.is(res.status, 200);
  t.is(xmlText(res.text, 'ErrorCode'), '600');
});

test('other methods are 405 with Allow', async (t) => {
  const s = await withServer(t);
  const res = await rawRequest({ port: s.httpPort, method: 'PUT', auth: `${ALICE}:${PASSWORD}`, body: autodiscoverBody(ALICE) });
  t.is(res.status, 405);
  t.is(res.headers.allow, 'GET, POST');
});

test('an oversized body is refused with 413, not read', async (t) => {
  const s = await withServer(t);
  const res = await rawRequest({ port: s.httpPort, auth: `${ALICE}:${PASSWORD}`, body: Buffer.alloc(100 * 1024, 0x20) });
  t.is(res.status, 413);
});

test('behind a trusted proxy the URL follows X-Forwarded-Proto and X-Forwarded-Host', async (t) => {
  const trusted = await withServer(t, { trustProxy: true });
  const forwarded = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'mail.example.com' };
  const res = await rawRequest({ port: trusted.httpPort, auth: `${ALICE}:${PASSWORD}`, body: autodiscoverBody(ALICE), headers: forwarded });
  t.is(xmlText(res.text, 'Url'), 'https://mail.example.com/Microsoft-Server-ActiveSync');

  const untrusted = await withServer(t);
  const plain = await rawRequest({ port: untrusted.httpPort, auth: `${ALICE}:${PASSWORD}`, body: autodiscoverBody(ALICE), headers: forwarded });
  t.is(xmlText(plain.text, 'Url'), `http://127.0.0.1:${untrusted.httpPort}/Microsoft-Server-ActiveSync`);
});

test('a Host header that is not a host name is not echoed into the answer', async (t) => {
  const s = await withServer(t);
  const res = await rawRequest({ port: s.httpPort, auth: `${ALICE}:${PASSWORD}`, body: autodiscoverBody(ALICE), headers: { Host: 'evil"><x' } });
  t.is(res.status, 400);
  // Answered by eas-push (its headers), not refused by Node's HTTP parser.
  t.truthy(res.headers['ms-server-activesync']);
  t.false(res.text.includes('evil'));
});
