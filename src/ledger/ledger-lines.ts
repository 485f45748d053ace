// The lines of the fault ledger and how a file's text is read back into them. Reading never throws
// on what it finds: a line it cannot use is a problem (file:line and why), kept out of the open
// entries, so it is never reverted blindly and never retried.
import { type UndoRecord, undoRecordFields } from '../faults/undo-record.ts';

export type LedgerOpen = {
  type: 'open';
  entry: string;
  runId: string;
  experiment: string;
  fault: string;
  undo: UndoRecord;
  pid: number;
  host: string;
  at: string;
  /** The writer's start time and boot (a reused pid, a reboot): see process-identity.ts. */
  started?: string;
  boot?: string;
  /** Epoch ms: the run's deadline; a runner finding the entry after it knows the run is gone. */
  deadline?: number;
  /** The run registered in a cluster (a Lease): its Lease says whether it is alive. */
  registered?: boolean;
};
export type LedgerClose = { type: 'close'; entry: string; outcome: 'reverted' | 'already-gone'; at: string };
/** Written before an append when the file did not end with a newline: `line` was torn by a crash. */
export type LedgerSealed = { type: 'sealed'; line: number; at: string };
export type LedgerLine = LedgerOpen | LedgerClose | LedgerSealed;

export type LedgerProblem = {
  file: string;
  /** 1-based line number in the ledger file. */
  line: number;
  reason: string;
  /** The entry the line opens, when it is an open entry this Faultline cannot revert. */
  entry?: string;
};

export type LedgerRead = { lines: LedgerLine[]; problems: LedgerProblem[] };

export function formatLedgerProblem(problem: LedgerProblem): string {
  return `${problem.file}:${problem.line}: ${problem.reason}`;
}

type Checked = { line: LedgerLine } | { reason: string; entry?: string };

// `text` is the whole file. A last line without its newline is torn: its write never returned, so
// its fault was never injected (see fault-ledger.ts); it is ignored unless it is complete and valid.
export function parseLedgerText(text: string, file: string): LedgerRead {
  const raws = text.split('\n');
  const tornTail = text !== '' && !text.endsWith('\n');
  const lines: LedgerLine[] = [];
  const bad: LedgerProblem[] = [];
  const sealed = new Set<number>();
  raws.forEach((raw, index) => {
    if (raw.trim() === '') return;
    const number = index + 1;
    const checked = checkLine(raw);
    if ('line' in checked) {
      lines.push(checked.line);
      if (checked.line.type === 'sealed') sealed.add(checked.line.line);
      return;
    }
    if (tornTail && index === raws.length - 1) {
      bad.push({
        file,
        line: number,
        reason:
          'a torn last line (a crash cut its write short before it returned, so its fault was never injected): ignored; the next append seals it and starts a new line',
      });
      return;
    }
    const glued = salvageGlued(raw);
    if (glued) {
      lines.push(glued);
      bad.push({
        file,
        line: number,
        reason: `a torn line with the next entry glued onto it (written by a Faultline that did not seal torn lines): the torn part is ignored, the entry ${JSON.stringify(entryOf(glued))} after it is kept`,
      });
      return;
    }
    bad.push({
      file,
      line: number,
      reason: checked.reason,
      ...(checked.entry ? { entry: checked.entry } : {}),
    });
  });
  // A problem opening an entry is over once that entry is closed (a newer Faultline reverted it);
  // a torn line that a later `sealed` line names was reported when it was sealed.
  const closed = new Set(lines.flatMap((line) => (line.type === 'close' ? [line.entry] : [])));
  const problems = bad.filter(
    (problem) =>
      !(problem.entry !== undefined && closed.has(problem.entry)) &&
      !(sealed.has(problem.line) && !problem.entry),
  );
  return { lines, problems };
}

function entryOf(line: LedgerLine): string {
  return line.type === 'sealed' ? `line ${line.line}` : line.entry;
}

// Faultline before torn tails were sealed appended right after them: `{"type":"open",..{"type":...}`.
function salvageGlued(raw: string): LedgerLine | undefined {
  const start = raw.indexOf('{"type":', 1);
  if (start < 0) return undefined;
  const checked = checkLine(raw.slice(start));
  return 'line' in checked ? checked.line : undefined;
}

function checkLine(raw: string): Checked {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { reason: `not JSON: ${preview(raw)}` };
  }
  if (!isRecord(value)) return { reason: `not a ledger entry: ${describe(value)}` };
  switch (value.type) {
    case 'open':
      return checkOpen(value);
    case 'close':
      return typeof value.entry === 'string' && typeof value.outcome === 'string'
        ? { line: value as LedgerClose }
        : { reason: 'a close line without a string entry and outcome' };
    case 'sealed':
      return typeof value.line === 'number'
        ? { line: value as LedgerSealed }
        : { reason: 'a sealed line without a line number' };
    default:
      return {
        reason: `unknown line type ${preview(JSON.stringify(value.type) ?? 'undefined')} (written by a newer Faultline?): ignored`,
      };
  }
}

const openFields = ['entry', 'runId', 'experiment', 'fault', 'host', 'at'] as const;

function checkOpen(value: Record<string, unknown>): Checked {
  const entry = typeof value.entry === 'string' ? value.entry : undefined;
  const missing: string[] = openFields.filter((field) => typeof value[field] !== 'string');
  if (typeof value.pid !== 'number') missing.push('pid');
  if (missing.length > 0) return { reason: `an open line without ${missing.join(', ')}`, entry };
  const undo = value.undo;
  if (!isRecord(undo)) return { reason: `open entry ${entry}: its undo record is ${describe(undo)}`, entry };
  const kind = undo.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(undoRecordFields, kind)) {
    const known = Object.keys(undoRecordFields).join(', ');
    return {
      reason: `open entry ${entry}: unknown undo kind ${preview(JSON.stringify(kind) ?? 'undefined')} (known: ${known}; written by a newer Faultline?): not reverted; recover it with that version, which closes it`,
      entry,
    };
  }
  const needed: readonly string[] = undoRecordFields[kind as keyof typeof undoRecordFields];
  const lacking = needed.filter((field) => typeof undo[field] !== 'string');
  if (lacking.length > 0) {
    return {
      reason: `open entry ${entry}: its ${kind} undo record lacks ${lacking.join(', ')}: not reverted`,
      entry,
    };
  }
  return { line: value as LedgerOpen };
}

export function foldOpenEntries(lines: LedgerLine[]): LedgerOpen[] {
  const open = new Map<string, LedgerOpen>();
  for (const line of lines) {
    if (line.type === 'open') open.set(line.entry, line);
    else if (line.type === 'close') open.delete(line.entry);
  }
  return [...open.values()];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value === undefined) return 'missing';
  return `a ${typeof value} (${preview(JSON.stringify(value))})`;
}

// Short, and with control characters spelled out: a problem line goes to a terminal.
function preview(text: string): string {
  const short = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return short.replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
