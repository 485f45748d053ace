// The XML checker the JUnit tests rely on must reject what is not well-formed.
import test from 'ava';
import { findAll, parseXml } from './xml-check.ts';

test('accepts well-formed XML and decodes references', (t) => {
  const root = parseXml(
    '<?xml version="1.0" encoding="UTF-8"?>\n<!-- c --><a x="1" y=\'&lt;&#65;&#x42;\'><b/><b>t &amp; u</b><![CDATA[<raw>]]></a>\n',
  );
  t.is(root.attributes.y, '<AB');
  t.is(findAll(root, 'b').length, 2);
  t.is(root.children[1]?.text, 't & u');
  t.is(root.text, '<raw>');
});

const malformed: [string, string][] = [
  ['<a><b></a></b>', 'closes'],
  ['<a>x & y</a>', 'bare &'],
  ['<a>&nbsp;</a>', 'unknown entity'],
  ['<a x=1/>', 'not quoted'],
  ['<a x="1" x="2"/>', 'duplicate'],
  ['<a x="<"/>', '< inside attribute'],
  ['<a>\u0007</a>', 'not allowed in XML 1.0'],
  ['<a>&#1;</a>', 'not an allowed character'],
  ['<a/><b/>', 'after the root'],
  ['<a>', 'not closed'],
  ['<a>]]></a>', ']]>'],
  ['<a x="1"y="2"/>', 'whitespace before an attribute'],
];

for (const [xml, why] of malformed) {
  test(`rejects ${JSON.stringify(xml)}`, (t) => {
    const error = t.throws(() => parseXml(xml));
    t.true(error?.message.includes(why), error?.message);
  });
}
