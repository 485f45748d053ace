// The run's progress on stderr: probe values and messages from outside never reach the terminal
// as raw control characters, on a TTY (the status line) or without one (plain lines).
import test from 'ava';
import { createProgress } from '../../../cli/progress.ts';
import { createTerminal } from '../../../cli/terminal.ts';
import type { Journal, JournalEvent, JournalSample } from '../../../src/engine/journal.ts';
import { memoryStream } from '../../helpers/in-process-cli.ts';

const hostile = '\u001b[2J\u001b]0;owned\u0007';
const journal = { methodStartedAt: 1_000 } as Journal;
const sample = (value: string): JournalSample => ({
  probe: 'banner',
  at: 2_000,
  outcome: 'out-of-tolerance',
  value,
  detail: `got ${value}`,
  durationMs: 3,
  attempts: 1,
  phase: 'method',
  role: 'hypothesis',
});
const event = (message: string): JournalEvent => ({
  at: Date.UTC(2026, 0, 1),
  phase: 'method',
  type: 'probe-failed',
  message,
  probe: 'banner',
});
const redactNothing = (text: string) => text;

test('on a TTY, a probe value with control characters is shown escaped on the status line', (t) => {
  const stream = memoryStream({ isTTY: true });
  const progress = createProgress(createTerminal(stream, {}), redactNothing, 10_000, () => 3_000);
  progress.event({ ...event('method started'), type: 'phase' }, journal);
  progress.sample(sample(hostile));
  progress.event(event(`banner: out-of-tolerance: got ${hostile}`), journal);
  progress.stop();
  const written = stream.text();
  t.true(written.includes('banner=\\x1b[2J\\x1b]0;owned\\x07!'), written);
  t.true(written.includes('  banner: out-of-tolerance: got \\x1b[2J\\x1b]0;owned\\x07\n'), written);
  t.true(written.includes('\r\u001b[2K[method] 2s elapsed, 8s left'), 'its own redraw stays');
  const withoutRedraws = written.replaceAll('\r\u001b[2K', '');
  t.false(withoutRedraws.includes('\u001b'), `no other escape: ${JSON.stringify(withoutRedraws)}`);
  t.false(withoutRedraws.includes('\u0007'));
});

test('without a TTY, plain lines with every control character escaped, line breaks too', (t) => {
  const stream = memoryStream();
  const progress = createProgress(createTerminal(stream, {}), redactNothing, 10_000);
  progress.sample(sample(hostile));
  progress.event(event(`banner: got ${hostile}\r\nforged line`), journal);
  progress.stop();
  t.is(
    stream.text(),
    '2026-01-01T00:00:00.000Z [method] probe-failed: banner: got \\x1b[2J\\x1b]0;owned\\x07\\x0d\\nforged line\n',
  );
});

test('secrets are redacted before anything is escaped', (t) => {
  const stream = memoryStream({ isTTY: true });
  const redact = (text: string) => text.replaceAll('hunter2', '***');
  const progress = createProgress(createTerminal(stream, {}), redact, 10_000);
  progress.sample(sample('hunter2'));
  progress.event(event('GET /?token=hunter2 failed'), journal);
  t.false(stream.text().includes('hunter2'));
  t.true(stream.text().includes('banner=***!'));
});
