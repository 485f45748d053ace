// The JSON a run's Lease carries in its annotations (its ledger, its targets), compressed: every
// annotation of an object together may not pass 256 KiB, and a kill of 1 000 pods writes 1 000 undo
// records (~250 KB as JSON; ~20 KB gzipped, as the records differ in a pod name and an index).
// Written as `gzip:` + base64; plain JSON (an older Faultline's) is still read.
import { gunzipSync, gzipSync } from 'node:zlib';

const prefix = 'gzip:';

export function encodeLeaseJson(value: unknown): string {
  return prefix + gzipSync(JSON.stringify(value)).toString('base64');
}

/** The value, or `fallback` when the annotation is missing or cannot be read. */
export function decodeLeaseJson<T>(text: string | undefined, fallback: T): T {
  if (text === undefined) return fallback;
  try {
    const json = text.startsWith(prefix)
      ? gunzipSync(Buffer.from(text.slice(prefix.length), 'base64')).toString('utf8')
      : text;
    return JSON.parse(json) as T;
  } catch {
    return fallback;
  }
}
