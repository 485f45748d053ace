import type { Journal, JournalEvent, JournalSample } from '../src/engine/journal.ts';
import { escapeLine, type Terminal } from './terminal.ts';

export type Progress = {
  event(event: JournalEvent, journal: Journal): void;
  sample(sample: JournalSample): void;
  stop(): void;
};

const quiet = new Set(['phase']);

// On a terminal that takes control sequences: one status line redrawn in place (phase,
// elapsed/remaining, last probe values) above the event log. Without one (CI, pipes): plain
// timestamped lines. Either way every value is redacted and its control characters escaped.
export function createProgress(
  terminal: Terminal,
  redact: (text: string) => string,
  durationMs: number,
  now: () => number = Date.now,
): Progress {
  const redraws = terminal.supportsAnsi;
  const lastValues = new Map<string, string>();
  let statusShown = false;
  let phase = 'recover';
  let methodStartedAt: number | undefined;
  const clearStatus = () => {
    if (redraws && statusShown) terminal.write('\r\x1b[2K');
    statusShown = false;
  };
  const drawStatus = () => {
    if (!redraws) return;
    const elapsed = methodStartedAt ? Math.round((now() - methodStartedAt) / 1000) : 0;
    const remaining = methodStartedAt ? Math.max(0, Math.round(durationMs / 1000) - elapsed) : undefined;
    const time = remaining === undefined ? '' : ` ${elapsed}s elapsed, ${remaining}s left`;
    const values = [...lastValues].map(([k, v]) => `${k}=${v}`).join('  ');
    const line = escapeLine(redact(`[${phase}]${time}  ${values}`));
    terminal.write(`\r\x1b[2K${line.slice(0, terminal.columns - 1)}`);
    statusShown = true;
  };
  const writeLine = (text: string) => {
    clearStatus();
    terminal.write(`${escapeLine(redact(text))}\n`);
    drawStatus();
  };
  return {
    event(event, journal) {
      phase = event.phase;
      methodStartedAt = journal.methodStartedAt;
      if (quiet.has(event.type) && redraws) {
        drawStatus();
        return;
      }
      writeLine(
        redraws
          ? `${event.type === 'phase' ? '»' : ' '} ${event.message}`
          : `${new Date(event.at).toISOString()} [${event.phase}] ${event.type}: ${event.message}`,
      );
    },
    sample(sample) {
      const shown =
        sample.value === undefined ? sample.outcome : `${sample.value}${sample.outcome === 'ok' ? '' : '!'}`;
      lastValues.set(sample.probe, shown);
      if (redraws) drawStatus();
    },
    stop: clearStatus,
  };
}
