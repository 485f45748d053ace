// The terminal module: when control sequences may be written, and control characters from outside
// (probe values, server messages, names in files) always shown escaped.
import test from 'ava';
import {
  createTerminal,
  escapeControl,
  escapeJsonControl,
  escapeLine,
  supportsAnsi,
} from '../../../cli/terminal.ts';
import { memoryStream } from '../../helpers/in-process-cli.ts';

test('control characters become visible escapes; text, tabs and line breaks stay', (t) => {
  t.is(escapeControl('\u001b[2J\u001b[31mred\u0007'), '\\x1b[2J\\x1b[31mred\\x07');
  t.is(escapeControl('over\rwritten'), 'over\\x0dwritten', 'a carriage return cannot overwrite');
  t.is(escapeControl('a\tb\nc'), 'a\tb\nc');
  t.is(escapeControl('\u009b2J \u007f'), '\\x9b2J \\x7f', 'C1 controls (a CSI) and DEL');
  t.is(escapeControl('abc\u202edef'), 'abc\\u202edef', 'a right-to-left override');
  t.is(escapeControl('plain ünïcode ✓ 日本'), 'plain ünïcode ✓ 日本');
});

test('on one line, tabs and line breaks are escaped too', (t) => {
  t.is(escapeLine('one\ntwo\tthree\u001b'), 'one\\ntwo\\tthree\\x1b');
});

test('JSON stays valid JSON, with DEL, C1 and bidi overrides as \\u escapes', (t) => {
  const json = JSON.stringify({ value: '\u001b[2J\u009b\u202e' }, null, 2);
  const escaped = escapeJsonControl(json);
  for (const raw of ['\u001b', '\u009b', '\u202e']) t.false(escaped.includes(raw));
  t.deepEqual(JSON.parse(escaped), { value: '\u001b[2J\u009b\u202e' });
  t.true(escaped.includes('\n  "value"'), 'the layout keeps its line breaks');
});

test('control sequences only on a TTY, without NO_COLOR, with a TERM that is not dumb', (t) => {
  const tty = memoryStream({ isTTY: true });
  t.true(supportsAnsi(tty, {}));
  t.true(supportsAnsi(tty, { TERM: 'xterm-256color' }));
  t.false(supportsAnsi(tty, { NO_COLOR: '1' }));
  t.false(supportsAnsi(tty, { TERM: 'dumb' }));
  t.false(supportsAnsi(memoryStream(), {}), 'a pipe or a file');
});

test('paint colours only where control sequences may go', (t) => {
  t.is(createTerminal(memoryStream({ isTTY: true }), {}).paint('red', 'error'), '\u001b[31merror\u001b[39m');
  t.is(createTerminal(memoryStream(), {}).paint('red', 'error'), 'error');
});

test('print redacts first, then escapes, then ends the line', (t) => {
  const stream = memoryStream({ isTTY: true });
  const terminal = createTerminal(stream, {}, (text) => text.replaceAll('hunter2', '***'));
  terminal.print('token hunter2 and a probe value \u001b[2J');
  t.is(stream.text(), 'token *** and a probe value \\x1b[2J\n');
});
