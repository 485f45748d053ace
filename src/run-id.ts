import { randomBytes } from 'node:crypto';

// A run id: 20261122T061500Z-3f9a. Sortable, unique enough, and recognisable in toxic names,
// node annotations and Leases. Made and parsed here only.
const runIdSource = '\\d{8}T\\d{6}Z-[0-9a-f]{4}';
const runIdPattern = new RegExp(`^${runIdSource}$`);

export function makeRunId(now: number): string {
  const stamp = new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

export function isRunId(text: string): boolean {
  return runIdPattern.test(text);
}

// The run id at the start of `text` after `prefix` (a mark such as faultline-<runId>-<fault>).
export function runIdAfter(prefix: string, text: string): string | undefined {
  if (!text.startsWith(prefix)) return undefined;
  return new RegExp(`^(${runIdSource})-`).exec(text.slice(prefix.length))?.[1];
}
