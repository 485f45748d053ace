import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import type { UndoRecord } from '../faults/undo-record.ts';

// The durable fault ledger: an append-only JSON-lines file, fsynced after every line. An entry is
// opened before its fault is injected and closed only after the revert is confirmed.
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
};
export type LedgerClose = { type: 'close'; entry: string; outcome: 'reverted' | 'already-gone'; at: string };
export type LedgerLine = LedgerOpen | LedgerClose;

export type FaultLedger = {
  readonly file: string;
  open(entry: Omit<LedgerOpen, 'type' | 'pid' | 'host' | 'at'>): LedgerOpen;
  /** Opens several entries with one write and one fsync (the pods of a kill). */
  openAll(entries: Omit<LedgerOpen, 'type' | 'pid' | 'host' | 'at'>[]): LedgerOpen[];
  close(entry: string, outcome: LedgerClose['outcome']): void;
  openEntries(): LedgerOpen[];
  lines(): LedgerLine[];
};

export function defaultLedgerFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FAULTLINE_LEDGER) return env.FAULTLINE_LEDGER;
  const stateHome = env.XDG_STATE_HOME ?? `${env.HOME ?? '.'}/.local/state`;
  return `${stateHome}/faultline/ledger.jsonl`;
}

export function openFaultLedger(file: string, now: () => number = Date.now): FaultLedger {
  mkdirSync(dirname(file), { recursive: true });
  const append = (...lines: LedgerLine[]) => {
    const fd = openSync(file, 'a');
    try {
      writeSync(fd, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  };
  const toOpen = (entry: Omit<LedgerOpen, 'type' | 'pid' | 'host' | 'at'>): LedgerOpen => ({
    type: 'open',
    ...entry,
    pid: process.pid,
    host: hostname(),
    at: new Date(now()).toISOString(),
  });
  const lines = (): LedgerLine[] => readLedgerLines(file);
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
    openEntries: () => foldOpenEntries(lines()),
    lines,
  };
}

// A torn last line (a crash mid-write) is ignored; every complete line before it counts.
export function readLedgerLines(file: string): LedgerLine[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const result: LedgerLine[] = [];
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    try {
      result.push(JSON.parse(raw) as LedgerLine);
    } catch {
      // torn write
    }
  }
  return result;
}

export function foldOpenEntries(lines: LedgerLine[]): LedgerOpen[] {
  const open = new Map<string, LedgerOpen>();
  for (const line of lines) {
    if (line.type === 'open') open.set(line.entry, line);
    else open.delete(line.entry);
  }
  return [...open.values()];
}
