// Escaping of untrusted text (names, labels, probe output) for HTML, Markdown and XML.
import test from 'ava';
import {
  escapeHtml,
  escapeMarkdown,
  escapeMarkdownCell,
  escapeXml,
  markdownCode,
  showControlCharacters,
} from '../../../src/reporting/escape.ts';

const script = '<script>alert(1)</script>';

test('HTML: tags, ampersands and both quotes become entities', (t) => {
  t.is(escapeHtml(script), '&lt;script&gt;alert(1)&lt;/script&gt;');
  t.is(escapeHtml(`a"b'c&d`), 'a&quot;b&#39;c&amp;d');
  t.is(escapeHtml('&lt;'), '&amp;lt;', 'entities in the input stay literal text');
  t.is(escapeHtml('" onmouseover="alert(1)'), '&quot; onmouseover=&quot;alert(1)');
  t.is(escapeHtml(42), '42');
});

test('HTML: control characters become visible pictures, newlines stay', (t) => {
  t.is(escapeHtml('red\u001b[31mtext\u0000'), 'red\u241b[31mtext\u2400');
  t.is(escapeHtml('a\nb'), 'a\nb');
  t.is(showControlCharacters('a\r\nb\u007f'), 'a\nb\u2421');
});

test('Markdown: every control character of the syntax is backslash-escaped', (t) => {
  t.is(
    escapeMarkdown('*bold* _em_ `code` # | ~ &amp; \\'),
    '\\*bold\\* \\_em\\_ \\`code\\` \\# \\| \\~ \\&amp; \\\\',
  );
  t.is(escapeMarkdown(script), '\\<script\\>alert(1)\\</script\\>');
  t.is(escapeMarkdown('[click](javascript:alert(1))'), '\\[click\\](javascript:alert(1))');
  t.is(escapeMarkdown('![img](http://evil.test/x.png)'), '!\\[img\\](http://evil.test/x.png)');
});

test('Markdown: a newline cannot start a heading, a list or a table row', (t) => {
  const text = escapeMarkdown('pod-1\n# Heading\n| a | b |\n- item');
  t.false(text.includes('\n'));
  t.is(text, 'pod-1<br>\\# Heading<br>\\| a \\| b \\|<br>- item');
});

test('Markdown table cells: pipes escaped, newlines as <br>, never empty', (t) => {
  t.is(escapeMarkdownCell('a|b\nc'), 'a\\|b<br>c');
  t.is(escapeMarkdownCell(''), ' ');
  const row = `| ${escapeMarkdownCell('x | y')} | ${escapeMarkdownCell('`|`')} |`;
  t.is(row.split(/(?<!\\)\|/).length, 4, 'two cells, whatever the content');
});

test('Markdown code spans: the fence is longer than any backtick run inside', (t) => {
  t.is(markdownCode('faultline recover'), '`faultline recover`');
  t.is(markdownCode('a `b` c'), '``a `b` c``');
  t.is(markdownCode('`x`'), '`` `x` ``');
  t.is(markdownCode('a\nb'), '`a b`');
});

test('XML: entities, and characters XML 1.0 forbids replaced', (t) => {
  t.is(escapeXml(`<a href="x">&'</a>`), '&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;');
  t.is(escapeXml('bell\u0007 esc\u001b nul\u0000'), 'bell\ufffd esc\ufffd nul\ufffd');
  t.is(escapeXml('lone \ud800 surrogate'), 'lone \ufffd surrogate');
  t.is(escapeXml('pair \ud83d\ude00'), 'pair \ud83d\ude00');
  t.is(escapeXml('a\r\nb\tc'), 'a&#13;\nb\tc');
});
