// Why something failed, on one line: a multi-line message (a server's answer) is cut to its first.
export function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const [first = ''] = text.split('\n', 1);
  return first.trim() || (error instanceof Error ? error.name : 'unknown error');
}
