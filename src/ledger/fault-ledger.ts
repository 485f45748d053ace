import {
  closeSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { LedgerError } from './ledger-error.ts';
import {
  foldOpenEntries,
  type LedgerClose,
  type LedgerLine,
  type LedgerOpen,
  type LedgerProblem,
  type LedgerRead,
  parseLedgerText,
} from './ledger-lines.ts';
import { currentProcess } from './process-identity.ts';

export { LedgerError } from './ledger-error.ts';
export type {
  LedgerClose,
  LedgerLine,
  LedgerOpen,
  LedgerProblem,
  LedgerRead,
  LedgerSealed,
} from './ledger-lines.ts';
export { foldOpenEntries, formatLedgerProblem } from './ledger-lines.ts';

// The durable fault ledger: an append-only JSON-lines file, fsynced after every append. An entry is
// opened before its fault is injected and closed only after the revert is confirmed. Every failure
// to use the file is a LedgerError naming the file and the cause.
//
// A torn last line (the process died inside a write) is SEALED, not truncated, before the next
// append: the append starts with a newline and a `sealed` line naming the torn line. Why not cut
// the file back to its last complete line, which would be as safe for the torn line itself? A torn
// `open` was never injected, because `append` returns (and the fault is injected) only once all of
// its bytes are written and fsynced; a torn `close` leaves its entry open, and recovery reverts it
// again, which is idempotent (every undo kind answers `already-gone`, see revert-undo.ts). But
// another Faultline may be appending to the same ledger at this moment (a second run on the host),
// and a reader can see its line half-written: truncating would cut a live run's entry off before
// it injects. A newline appended with O_APPEND can only land after that write completes; at worst
// it leaves an empty line. The torn line is reported once, when read (file:line); once sealed it
// is not reported again.
/** What a run says of an entry; the ledger adds who wrote it and when. */
export type NewEntry = Omit<LedgerOpen, 'type' | 'pid' | 'host' | 'at' | 'started' | 'boot'>;

export type FaultLedger = {
  readonly file: string;
  open(entry: NewEntry): LedgerOpen;
  /** Opens several entries with one write and one fsync (the pods of a kill). */
  openAll(entries: NewEntry[]): LedgerOpen[];
  close(entry: string, outcome: LedgerClose['outcome']): void;
  openEntries(): LedgerOpen[];
  lines(): LedgerLine[];
  /** Lines that cannot be used (torn, not JSON, an unknown type or undo kind), with file:line. */
  problems(): LedgerProblem[];
  /** One read of the file: its open entries and its problems. */
  read(): LedgerRead & { open: LedgerOpen[] };
};

export function defaultLedgerFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FAULTLINE_LEDGER) return env.FAULTLINE_LEDGER;
  const stateHome = env.XDG_STATE_HOME ?? `${env.HOME ?? '.'}/.local/state`;
  return `${stateHome}/faultline/ledger.jsonl`;
}

// Creates the directory and the file at once, so an unusable path fails before anything is
// injected, with a message that says which file and why.
export function openFaultLedger(file: string, now: () => number = Date.now): FaultLedger {
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (error) {
    throw new LedgerError(file, `create its directory ${dirname(file)}`, error);
  }
  closeSync(openLedgerFile(file));
  const append = (...lines: LedgerLine[]) => appendLines(file, lines, now);
  const writer = currentProcess();
  const toOpen = (entry: NewEntry): LedgerOpen => ({
    type: 'open',
    ...entry,
    ...writer,
    at: new Date(now()).toISOString(),
  });
  const read = () => {
    const result = readLedger(file);
    return { ...result, open: foldOpenEntries(result.lines) };
  };
  return {
    file,
    open(entry) {
      const line = toOpen(entry);
      append(line);
      return line;
    },
    openAll(entries) {
      const lines = entries.map(toOpen);
      if (lines.length > 0) append(...lines);
      return lines;
    },
    close(entry, outcome) {
      append({ type: 'close', entry, outcome, at: new Date(now()).toISOString() });
    },
    openEntries: () => read().open,
    lines: () => read().lines,
    problems: () => read().problems,
    read,
  };
}

export function readLedger(file: string): LedgerRead {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], problems: [] };
    throw new LedgerError(file, 'read it', error);
  }
  return parseLedgerText(text, file);
}

/** The usable lines only (see readLedger for the problems). */
export function readLedgerLines(file: string): LedgerLine[] {
  return readLedger(file).lines;
}

function openLedgerFile(file: string): number {
  let fd: number;
  try {
    fd = openSync(file, 'a+');
  } catch (error) {
    throw new LedgerError(file, 'open it for appending', error);
  }
  // A device or a FIFO would block or never end when read (/dev/zero), and cannot be fsynced.
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new LedgerError(file, 'use it', 'it is not a regular file');
  }
  return fd;
}

// One write and one fsync per append. A short write is not continued: another Faultline may have
// appended in between, and the rest would land after its line. It throws instead, so the fault is
// not injected; what was written is a torn line that the next append seals.
function appendLines(file: string, lines: LedgerLine[], now: () => number): void {
  const fd = openLedgerFile(file);
  try {
    const text = sealTornTail(fd, file, now) + lines.map((line) => `${JSON.stringify(line)}\n`).join('');
    const bytes = Buffer.from(text);
    let written: number;
    try {
      written = writeSync(fd, bytes);
    } catch (error) {
      throw new LedgerError(file, `append ${describeLines(lines)}`, error);
    }
    if (written !== bytes.length) {
      throw new LedgerError(
        file,
        `append ${describeLines(lines)}`,
        `only ${written} of ${bytes.length} bytes were written (the device is full or a file size limit was reached?)`,
      );
    }
    try {
      fsyncSync(fd);
    } catch (error) {
      throw new LedgerError(file, `flush ${describeLines(lines)} to disk`, error);
    }
  } finally {
    closeSync(fd);
  }
}

// The prefix that seals a torn last line (see the comment at the top), or '' when the file ends
// with a newline.
function sealTornTail(fd: number, file: string, now: () => number): string {
  const size = fstatSync(fd).size;
  if (size === 0) return '';
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  if (last[0] === 0x0a) return '';
  const torn = readFileSync(file, 'utf8').split('\n').length;
  const sealed: LedgerLine = { type: 'sealed', line: torn, at: new Date(now()).toISOString() };
  return `\n${JSON.stringify(sealed)}\n`;
}

function describeLines(lines: LedgerLine[]): string {
  const first = lines[0];
  if (lines.length !== 1 || first === undefined) return `${lines.length} lines`;
  return first.type === 'sealed' ? 'a sealed line' : `the ${first.type} line of ${first.entry}`;
}
