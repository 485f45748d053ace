// Whole reports rendered from a journal whose every string is hostile: text from the cluster, the
// probes or the experiment must come out as text, in HTML and in Markdown.
import test from 'ava';
import type { Journal } from '../../../src/engine/journal.ts';
import { renderHtml } from '../../../src/reporting/html.ts';
import { renderJunit } from '../../../src/reporting/junit.ts';
import { renderMarkdown } from '../../../src/reporting/markdown.ts';
import { loadFixture } from './journal-builder.ts';
import { parseXml } from './xml-check.ts';

const payloads = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(2)>',
  '" onmouseover="alert(3)',
  "' autofocus onfocus='alert(4)",
  '[click](javascript:alert(5))',
  '`code` *bold* _em_ | pipe # hash ~~strike~~ &amp; \\',
  'line one\n# injected heading\n| injected | row |',
  'esc\u001b[31mred\u0000nul',
];
const hostile = payloads.join(' ');

// The deviated fixture with hostile pod names, labels, probe output, messages and file names.
function hostileJournal(): Journal {
  const journal = loadFixture('deviated-fragile-latency');
  const experiment = journal.experiment as {
    metadata: Record<string, unknown>;
    spec: Record<string, unknown>;
  };
  experiment.metadata.name = `exp ${payloads[0]}`;
  experiment.metadata.labels = { [`team${payloads[2]}`]: payloads[1] as string };
  experiment.spec.description = hostile;
  experiment.spec.tags = payloads;
  journal.experimentFile = `/tmp/${payloads[4]}.yaml`;
  journal.reason = hostile;
  journal.ledger.file = `/state/${payloads[5]}`;
  for (const probe of journal.probes) probe.name = `${probe.name}${payloads[2]}`;
  for (const sample of journal.samples) {
    sample.probe = `${sample.probe}${payloads[2]}`;
    sample.detail = `${sample.detail} ${hostile}`;
  }
  for (const event of journal.events) event.message = `${event.message} ${hostile}`;
  for (const fault of journal.faults) {
    fault.name = `${fault.name}${payloads[1]}`;
    for (const action of fault.actions) action.target = `pod/checkout-${payloads[0]}-${payloads[6]}`;
  }
  if (journal.firstDeviation) journal.firstDeviation.detail = hostile;
  return journal;
}

// Elements and attributes the report itself writes; anything else came from the data.
const allowedTags = new Set(
  'html head meta title style body div header p span h1 h2 h3 dl dt dd nav a main section ul ol li table thead tbody tr th td figure figcaption svg rect line text path circle strong footer'.split(
    ' ',
  ),
);
const allowedAttributes = new Set(
  'lang charset name content http-equiv class href id data-label viewBox role aria-label xmlns x y x1 x2 y1 y2 width height d cx cy r dx dy text-anchor transform'.split(
    ' ',
  ),
);

test('HTML: hostile strings stay text: no element, attribute or link comes from the data', (t) => {
  const html = renderHtml(hostileJournal());
  t.false(/<script/i.test(html), 'no script element at all');
  t.false(/<img/i.test(html));
  t.true(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  t.true(html.includes('&quot; onmouseover=&quot;alert(3)'));
  t.true(html.includes('&#39; autofocus onfocus=&#39;alert(4)'));
  t.true(html.includes('[click](javascript:alert(5))'), 'Markdown syntax is plain text in HTML');
  t.true(html.includes('esc\u241b[31mred\u2400nul'), 'control characters shown as pictures');
  const body = html.replace(/<style>[\s\S]*?<\/style>/, '');
  for (const match of body.matchAll(/<\/?([a-zA-Z][\w-]*)([^>]*)>/g)) {
    const [, tag = '', attributes = ''] = match;
    t.true(allowedTags.has(tag.toLowerCase()), `unexpected element <${tag}>`);
    for (const attribute of attributes.matchAll(/\s([^\s=]+)="[^"]*"/g)) {
      t.true(
        allowedAttributes.has(attribute[1] as string),
        `unexpected attribute ${attribute[1]} on <${tag}>`,
      );
    }
    const unquoted = attributes.replace(/\s[^\s=]+="[^"]*"/g, '').trim();
    t.true(unquoted === '' || unquoted === '/', `unquoted attribute text on <${tag}>: ${unquoted}`);
  }
  for (const href of body.matchAll(/href="([^"]*)"/g)) t.regex(href[1] as string, /^#[a-z-]+$/);
});

test('Markdown: hostile strings stay text: no HTML, link, heading or table cell comes from the data', (t) => {
  const md = renderMarkdown(hostileJournal());
  t.false(md.includes('<script>'));
  t.true(md.includes('\\<script\\>alert(1)\\</script\\>'));
  t.true(md.includes('\\[click\\](javascript:alert(5))'));
  t.false(/(?<!\\)\[click/.test(md), 'no link can form');
  t.false(/(?<!\\)<(?!br>)/.test(md), 'the only raw HTML is <br> written by the renderer');
  t.true(md.includes('\\`code\\` \\*bold\\* \\_em\\_ \\| pipe \\# hash \\~\\~strike\\~\\~ \\&amp; \\\\'));
  t.true(md.includes('esc\u241b\\[31mred\u2400nul'));
  const headings = md.split('\n').filter((line) => line.startsWith('#'));
  t.deepEqual(
    headings.map((h) => h.replace(/^#+ /, '')),
    [
      'Experiment report: exp \\<script\\>alert(1)\\</script\\>',
      'Summary',
      'Hypothesis and tolerances',
      'Impact',
      'What was injected, and where',
      'Timeline',
      'Detection',
      'What went well',
      'What went wrong',
      'Where we got lucky',
      'Suggested follow-ups',
      'Run settings',
    ],
  );
  // Every row of a table has as many cells as its header.
  const lines = md.split('\n');
  lines.forEach((line, index) => {
    if (!/^\| --- /.test(line)) return;
    const width = line.split(/(?<!\\)\|/).length;
    for (let row = index + 1; lines[row]?.startsWith('|'); row++) {
      t.is((lines[row] as string).split(/(?<!\\)\|/).length, width, `table row ${row + 1}: ${lines[row]}`);
    }
  });
});

test('JUnit: hostile strings keep the XML well-formed', (t) => {
  const xml = renderJunit(hostileJournal());
  const root = parseXml(xml);
  t.is(root.name, 'testsuites');
  t.true(xml.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  t.false(xml.includes('\u001b'));
});
