// The one place that knows what a terminal can take: whether control sequences may be written
// (a TTY, TERM not dumb, NO_COLOR unset), the colours, and the escaping of control characters in
// everything that came from outside (probe values, server messages, names in files), so that a
// probe answering "\u001b[2J" shows as \x1b[2J instead of clearing the screen.

/** What the CLI writes to: process.stdout/stderr, or a test's in-memory stream. */
export type OutputStream = {
  write(text: string, callback?: (error?: Error | null) => void): unknown;
  isTTY?: boolean;
  columns?: number;
};

export type Style = 'bold' | 'red' | 'green' | 'yellow' | 'dim';

export type Terminal = {
  /** Control sequences (colours, a status line redrawn in place) may be written. */
  readonly supportsAnsi: boolean;
  readonly columns: number;
  /** Colours already escaped text; plain text when the stream takes no control sequences. */
  paint(style: Style, text: string): string;
  /** Redacts and escapes `text`, then writes it as one or more lines. */
  print(text: string): void;
  /** Writes exactly `raw`: text already escaped and painted, or the terminal's own sequences. */
  write(raw: string): void;
};

const styles: Record<Style, readonly [number, number]> = {
  bold: [1, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  dim: [2, 22],
};

// Control characters (C0, DEL, C1: U+009B is a CSI on some terminals) and the bidirectional
// overrides that reorder what is shown.
const controlCharacters = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;

function escapeCharacter(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  if (character === '\n') return '\\n';
  if (character === '\t') return '\\t';
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Control characters as visible escapes (\x1b, \x07, \u202e); tabs and line breaks kept. */
export function escapeControl(text: string): string {
  return text.replace(controlCharacters, (character) =>
    character === '\n' || character === '\t' ? character : escapeCharacter(character),
  );
}

/** As escapeControl, and line breaks and tabs too: for text that must stay on one line. */
export function escapeLine(text: string): string {
  return text.replace(controlCharacters, escapeCharacter);
}

/**
 * JSON text (whose strings JSON.stringify already escapes below U+0020) with DEL, C1 controls and
 * bidirectional overrides escaped as \uXXXX: still valid JSON, and harmless on a terminal.
 */
export function escapeJsonControl(json: string): string {
  return json.replace(controlCharacters, (character) => {
    const code = character.codePointAt(0) ?? 0;
    return code < 0x20 ? character : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

export function supportsAnsi(
  stream: OutputStream,
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}

export function createTerminal(
  stream: OutputStream,
  env: Readonly<Record<string, string | undefined>>,
  redact: (text: string) => string = (text) => text,
): Terminal {
  const ansi = supportsAnsi(stream, env);
  return {
    supportsAnsi: ansi,
    columns: stream.columns ?? 120,
    paint: (style, text) =>
      ansi && text ? `\u001b[${styles[style][0]}m${text}\u001b[${styles[style][1]}m` : text,
    print: (text) => {
      stream.write(`${escapeControl(redact(text))}\n`);
    },
    write: (raw) => {
      stream.write(raw);
    },
  };
}
