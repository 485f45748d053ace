import type { Journal, JournalEvent, JournalSample } from '../src/engine/journal.ts';

export type Progress = {
  event(event: JournalEvent, journal: Journal): void;
  sample(sample: JournalSample): void;
  stop(): void;
};

const quiet = new Set(['phase']);

// On a TTY: one status line redrawn in place (phase, elapsed/remaining, last probe values) above the
// event log. Without one (CI, pipes): plain timestamped lines, no control characters.
export function createProgress(
  stream: NodeJS.WriteStream,
  redact: (text: string) => string,
  durationMs: number,
): Progress {
  const isTty = stream.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  const lastValues = new Map<string, string>();
  let statusShown = false;
  let phase = 'recover';
  let methodStartedAt: number | undefined;
  const clearStatus = () => {
    if (isTty && statusShown) stream.write('\r\x1b[2K');
    statusShown = false;
  };
  const drawStatus = () => {
    if (!isTty) return;
    const elapsed = methodStartedAt ? Math.round((Date.now() - methodStartedAt) / 1000) : 0;
    const remaining = methodStartedAt ? Math.max(0, Math.round(durationMs / 1000) - elapsed) : undefined;
    const time = remaining === undefined ? '' : ` ${elapsed}s elapsed, ${remaining}s left`;
    const values = [...lastValues].map(([k, v]) => `${k}=${v}`).join('  ');
    const line = `[${phase}]${time}  ${values}`;
    stream.write(`\r\x1b[2K${redact(line).slice(0, (stream.columns ?? 120) - 1)}`);
    statusShown = true;
  };
  const writeLine = (text: string) => {
    clearStatus();
    stream.write(`${redact(text)}\n`);
    drawStatus();
  };
  return {
    event(event, journal) {
      phase = event.phase;
      methodStartedAt = journal.methodStartedAt;
      if (quiet.has(event.type) && isTty) {
        drawStatus();
        return;
      }
      writeLine(
        isTty
          ? `${event.type === 'phase' ? '»' : ' '} ${event.message}`
          : `${new Date(event.at).toISOString()} [${event.phase}] ${event.type}: ${event.message}`,
      );
    },
    sample(sample) {
      const shown =
        sample.value === undefined ? sample.outcome : `${sample.value}${sample.outcome === 'ok' ? '' : '!'}`;
      lastValues.set(sample.probe, shown);
      if (isTty) drawStatus();
      else if (sample.outcome !== 'ok') return; // failures already appear as probe-failed events
    },
    stop: clearStatus,
  };
}
