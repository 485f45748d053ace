// Every failure to use the fault ledger file: the message names the file, what was being done and
// the cause in words, e.g. "fault ledger /var/lib/ledger.jsonl: cannot append the open line of
// r/f/0: no space left on the device (ENOSPC)".
export class LedgerError extends Error {
  readonly file: string;
  /** The system error code (ENOSPC, ENOTDIR, ...), when there is one. */
  readonly code: string | undefined;

  constructor(file: string, doing: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    super(`fault ledger ${file}: cannot ${doing}: ${describeCause(cause)}`, { cause });
    this.name = 'LedgerError';
    this.file = file;
    this.code = typeof code === 'string' ? code : undefined;
  }
}

const causes: Record<string, string> = {
  ENOTDIR: 'a part of its path is a file, not a directory',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EFBIG: 'the file is larger than allowed (a file size limit)',
  EIO: 'an input/output error on the device',
  ENAMETOOLONG: 'its name is too long',
  ELOOP: 'too many symbolic links in its path',
};

function describeCause(cause: unknown): string {
  if (typeof cause === 'string') return cause;
  const error = cause as NodeJS.ErrnoException | undefined;
  const code = error?.code;
  if (code && causes[code]) return `${causes[code]} (${code})`;
  return error?.message ?? String(cause);
}
