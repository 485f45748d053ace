import type { Journal } from '../engine/journal.ts';
import { parseBuckets } from '../load/start-load.ts';

export type ParsedJournal = { journal: Journal; problems: [] } | { journal: undefined; problems: string[] };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const outcomes = ['ok', 'out-of-tolerance', 'timeout', 'unreachable', 'empty', 'error'];
const roles = ['hypothesis', 'abort', 'rollback', 'step'];
const verdicts = ['held', 'deviated', 'not-started', 'aborted', 'error'];
const reverts = ['reverted', 'already-gone', 'failed'];

// Checks that a parsed journal.json has the shape reports rely on; every problem is listed with
// where it is, what was expected and what was found. Unknown extra fields are allowed.
export function checkJournal(value: unknown): ParsedJournal {
  const problems: string[] = [];
  const found = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v)?.slice(0, 60));
  const expect = (ok: boolean, path: string, what: string, v: unknown) => {
    if (!ok) problems.push(`${path}: expected ${what}, found ${found(v)}`);
    return ok;
  };
  const num = (o: Record<string, unknown>, key: string, path: string, optional = false) =>
    (optional && o[key] === undefined) ||
    expect(typeof o[key] === 'number' && Number.isFinite(o[key]), `${path}.${key}`, 'a number', o[key]);
  const str = (o: Record<string, unknown>, key: string, path: string, optional = false) =>
    (optional && o[key] === undefined) ||
    expect(typeof o[key] === 'string', `${path}.${key}`, 'a string', o[key]);
  const oneOf = (
    o: Record<string, unknown>,
    key: string,
    path: string,
    allowed: string[],
    optional = false,
  ) =>
    (optional && o[key] === undefined) ||
    expect(allowed.includes(o[key] as string), `${path}.${key}`, `one of ${allowed.join(', ')}`, o[key]);
  const list = (
    o: Record<string, unknown>,
    key: string,
    path: string,
    each: (item: Record<string, unknown>, at: string) => void,
  ) => {
    if (!expect(Array.isArray(o[key]), `${path}.${key}`, 'a list', o[key])) return;
    (o[key] as unknown[]).forEach((item, i) => {
      const at = `${path}.${key}[${i}]`;
      if (expect(isRecord(item), at, 'an object', item)) each(item as Record<string, unknown>, at);
    });
  };

  if (!expect(isRecord(value), 'journal', 'an object', value)) return { journal: undefined, problems };
  const j = value as Record<string, unknown>;
  expect(
    j.journalVersion === 1,
    'journal.journalVersion',
    '1 (this Faultline reads version 1)',
    j.journalVersion,
  );
  str(j, 'runId', 'journal');
  str(j, 'experimentFile', 'journal');
  num(j, 'seed', 'journal');
  num(j, 'startedAt', 'journal');
  for (const key of ['endedAt', 'methodStartedAt', 'methodEndedAt']) num(j, key, 'journal', true);
  oneOf(j, 'verdict', 'journal', verdicts, true);
  str(j, 'reason', 'journal', true);
  if (expect(isRecord(j.settings), 'journal.settings', 'an object', j.settings)) {
    const s = j.settings as Record<string, unknown>;
    for (const key of ['durationMs', 'everyMs', 'failAfter', 'recoveryMs', 'revertTimeoutMs'])
      num(s, key, 'journal.settings');
  }
  list(j, 'probes', 'journal', (p, at) => {
    str(p, 'name', at);
    oneOf(p, 'role', at, roles);
    str(p, 'kind', at);
  });
  list(j, 'faults', 'journal', (f, at) => {
    str(f, 'name', at);
    str(f, 'kind', at);
    num(f, 'startMs', at);
    num(f, 'endMs', at, true);
    list(f, 'actions', at, (a, aAt) => {
      str(a, 'target', aAt);
      str(a, 'ledgerEntry', aAt);
      expect(isRecord(a.undo) && typeof a.undo.kind === 'string', `${aAt}.undo`, 'an undo record', a.undo);
      for (const key of ['injectedAt', 'revertedAt', 'revertAttempts']) num(a, key, aAt, true);
      oneOf(a, 'revert', aAt, reverts, true);
      str(a, 'error', aAt, true);
    });
  });
  list(j, 'events', 'journal', (e, at) => {
    num(e, 'at', at);
    str(e, 'phase', at);
    str(e, 'type', at);
    str(e, 'message', at);
  });
  list(j, 'samples', 'journal', (s, at) => {
    str(s, 'probe', at);
    num(s, 'at', at);
    oneOf(s, 'outcome', at, outcomes);
    oneOf(s, 'role', at, roles);
    str(s, 'phase', at);
    str(s, 'detail', at);
  });
  if (expect(isRecord(j.ledger), 'journal.ledger', 'an object', j.ledger)) {
    const l = j.ledger as Record<string, unknown>;
    str(l, 'file', 'journal.ledger');
    list(l, 'leftBehind', 'journal.ledger', (e, at) => {
      str(e, 'entry', at);
      str(e, 'description', at);
      str(e, 'error', at);
    });
  }
  if (
    j.firstDeviation !== undefined &&
    expect(isRecord(j.firstDeviation), 'journal.firstDeviation', 'an object', j.firstDeviation)
  ) {
    const d = j.firstDeviation as Record<string, unknown>;
    str(d, 'probe', 'journal.firstDeviation');
    num(d, 'at', 'journal.firstDeviation');
    str(d, 'detail', 'journal.firstDeviation');
  }
  if (j.load !== undefined && expect(isRecord(j.load), 'journal.load', 'an object', j.load))
    checkLoad(j.load as Record<string, unknown>, { str, num, list, expect });
  // A long run has many samples: report the first problems, not thousands.
  if (problems.length > 0) {
    const shown = problems.slice(0, 20);
    if (problems.length > 20) shown.push(`… and ${problems.length - 20} more problems`);
    return { journal: undefined, problems: shown };
  }
  return { journal: value as Journal, problems: [] };
}

type Checks = {
  str: (o: Record<string, unknown>, key: string, path: string, optional?: boolean) => boolean;
  num: (o: Record<string, unknown>, key: string, path: string, optional?: boolean) => boolean;
  list: (
    o: Record<string, unknown>,
    key: string,
    path: string,
    each: (item: Record<string, unknown>, at: string) => void,
  ) => void;
  expect: (ok: boolean, path: string, what: string, v: unknown) => boolean;
};

// The load streams: what the reports read of them (their figures and their buckets).
function checkLoad(load: Record<string, unknown>, checks: Checks): void {
  const { str, num, list, expect } = checks;
  const summary = (o: Record<string, unknown>, key: string, at: string) => {
    if (o[key] === undefined) return;
    const s = o[key] as Record<string, unknown>;
    if (!expect(isRecord(s), `${at}.${key}`, 'a window summary', s)) return;
    for (const field of ['sent', 'ok', 'lost', 'inFlight', 'errorRatio', 'throughput'])
      num(s, field, `${at}.${key}`);
    expect(isRecord(s.lostBy), `${at}.${key}.lostBy`, 'an object', s.lostBy);
    expect(isRecord(s.notSent), `${at}.${key}.notSent`, 'an object', s.notSent);
  };
  list(load, 'streams', 'journal.load', (stream, at) => {
    for (const key of ['name', 'method', 'url']) str(stream, key, at);
    for (const key of ['ratePerSecond', 'timeoutMs', 'maxInFlight', 'startedAt']) num(stream, key, at);
    num(stream, 'stoppedAt', at, true);
    summary(stream, 'total', at);
    for (const key of ['phases', 'faultWindows'])
      if (stream[key] !== undefined) list(stream, key, at, (window, wAt) => summary(window, 'summary', wAt));
    if (stream.buckets === undefined) return;
    try {
      parseBuckets(stream.buckets);
    } catch (error) {
      expect(false, `${at}.buckets`, 'per-second buckets', (error as Error).message);
    }
  });
}

// Parses the text of a journal.json file.
export function parseJournal(text: string): ParsedJournal {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { journal: undefined, problems: [`not JSON: ${(error as Error).message}`] };
  }
  return checkJournal(value);
}
