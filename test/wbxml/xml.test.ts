// toXml(): the rendering logs and tests read.

import test from 'ava';
import { el, toXml } from '../../eas/wbxml/index.js';

test('declares the root namespace as default and the others with prefixes', (t) => {
  const xml = toXml(el('ItemOperations:ItemOperations', [el('ItemOperations:Fetch', [el('AirSync:CollectionId', 5), el('AirSyncBase:Type', 2)])]));
  t.is(
    xml,
    [
      '<?xml version="1.0" encoding="utf-8"?>',
      '<ItemOperations xmlns="ItemOperations" xmlns:airsync="AirSync" xmlns:airsyncbase="AirSyncBase">',
      '  <Fetch>',
      '    <airsync:CollectionId>5</airsync:CollectionId>',
      '    <airsyncbase:Type>2</airsyncbase:Type>',
      '  </Fetch>',
      '</ItemOperations>',
      '',
    ].join('\n'),
  );
});

test('escapes markup and shows control characters as references', (t) => {
  t.is(toXml(el('Email:Subject', 'a<b>&"c"\u0001'), { declaration: false, indent: '' }), '<Subject xmlns="Email">a&lt;b&gt;&amp;&quot;c&quot;&#x1;</Subject>');
});

test('shows OPAQUE as base64, empty elements self-closed, and clips long text on request', (t) => {
  const xml = toXml(el('ComposeMail:SendMail', [el('ComposeMail:SaveInSentItems'), el('ComposeMail:Mime', Buffer.from('hello')), el('ComposeMail:ClientId', 'x'.repeat(50))]), {
    declaration: false,
    indent: '',
    maxText: 10,
  });
  t.is(xml, '<SendMail xmlns="ComposeMail"><SaveInSentItems/><Mime>aGVsbG8=</Mime><ClientId>xxxxxxxxxx…[40 more]</ClientId></SendMail>');
});

test('a tree that contains itself renders without crashing', (t) => {
  const loop = el('AirSync:Sync');
  loop.children.push(loop);
  t.regex(toXml(loop), /deeper than 256 levels/);
});
