// The Autodiscover request reader and the public URL rules, without a server.

import test from 'ava';
import { normalizePublicUrl, publicUrlFromRequest } from '../../eas/autodiscover/public-url.js';
import { MOBILESYNC_RESPONSE_SCHEMA, parseAutodiscoverRequest } from '../../eas/autodiscover/request.js';
import { escapeXml } from '../../eas/autodiscover/response.js';

const parse = (xml: string) => parseAutodiscoverRequest(Buffer.from(xml, 'utf8'));

test('namespace prefixes, a BOM and entities in the address are read', (t) => {
  const xml = `\uFEFF<?xml version="1.0"?><a:Autodiscover xmlns:a="x"><a:Request><a:EMailAddress> o&apos;hara&#x40;example.com </a:EMailAddress><a:AcceptableResponseSchema>${MOBILESYNC_RESPONSE_SCHEMA}</a:AcceptableResponseSchema></a:Request></a:Autodiscover>`;
  t.deepEqual(parse(xml), { ok: true, emailAddress: "o'hara@example.com", schema: MOBILESYNC_RESPONSE_SCHEMA });
});

test('a missing schema is 600, a foreign one 601', (t) => {
  const base = '<Autodiscover><Request><EMailAddress>a@b.c</EMailAddress>';
  t.like(parse(`${base}</Request></Autodiscover>`), { ok: false, errorCode: 600 });
  t.like(parse(`${base}<AcceptableResponseSchema>urn:other</AcceptableResponseSchema></Request></Autodiscover>`), { ok: false, errorCode: 601 });
});

test('public URLs are normalized to a base without the endpoint path or a trailing slash', (t) => {
  t.is(normalizePublicUrl('https://Mail.Example.com/'), 'https://mail.example.com');
  t.is(normalizePublicUrl(' https://mail.example.com:8443/Microsoft-Server-ActiveSync '), 'https://mail.example.com:8443');
  t.is(normalizePublicUrl('https://example.com/mail/'), 'https://example.com/mail');
  for (const bad of ['mail.example.com', 'ftp://x', 'https://u:p@x', 'https://x/?a=1', 'https://x/#f']) {
    t.throws(() => normalizePublicUrl(bad), undefined, bad);
  }
});

test('a request Host is used only when it is a host name', (t) => {
  t.is(publicUrlFromRequest('https', 'Mail.Example.com:443'), 'https://mail.example.com:443');
  t.is(publicUrlFromRequest('http', '[::1]:8080'), 'http://[::1]:8080');
  t.is(publicUrlFromRequest('http', ''), null);
  t.is(publicUrlFromRequest('http', 'a b'), null);
  t.is(publicUrlFromRequest('http', 'x"/><y'), null);
});

test('XML text is escaped', (t) => {
  t.is(escapeXml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
});
