// Reads a document or a secret file with a size cap, without reading more than the cap: a regular
// file's size is known before its first byte is read; a pipe or a device (/dev/zero) is read until
// one byte past the cap. Synchronous: at most a mebibyte, once per load.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** An experiment or schedule file. */
export const maxDocumentBytes = 1024 * 1024;
/** A secret's file (spec.secrets.NAME.file). */
export const maxSecretBytes = 64 * 1024;

export type ReadResult = { text: string } | { problem: string };

/** `name` is how messages call the file. */
export function readSourceFile(file: string, maxBytes: number, name = 'the file'): ReadResult {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    return unreadable(name, error);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isFile() && stat.size > maxBytes)
      return { problem: tooLarge(name, formatBytes(stat.size), maxBytes) };
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const bytesRead = readSync(fd, buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) return { problem: tooLarge(name, `more than ${formatBytes(maxBytes)}`, maxBytes) };
    return { text: buffer.subarray(0, length).toString('utf8') };
  } catch (error) {
    return unreadable(name, error);
  } finally {
    closeSync(fd);
  }
}

function unreadable(name: string, error: unknown): ReadResult {
  return { problem: `cannot read ${name} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})` };
}

function tooLarge(name: string, found: string, maxBytes: number): string {
  return `${name} is too large: ${found}; it may be at most ${formatBytes(maxBytes)}`;
}

export function formatBytes(bytes: number): string {
  const trim = (value: number) => value.toFixed(1).replace(/\.0$/, '');
  if (bytes >= 1024 * 1024) return `${trim(bytes / (1024 * 1024))} MiB (${bytes} bytes)`;
  if (bytes >= 1024) return `${trim(bytes / 1024)} KiB (${bytes} bytes)`;
  return `${bytes} bytes`;
}
