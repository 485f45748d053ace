import { randomBytes } from 'node:crypto';

// 20261122T061500Z-3f9a: sortable, unique enough, and recognisable in toxic names and annotations.
export function makeRunId(now: number): string {
  const stamp = new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}
