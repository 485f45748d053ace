// The content of a report, laid out once: Markdown and HTML render the same sections, so they say
// the same thing. All text here is plain and untrusted; each renderer escapes it for its format.
export type Tone = 'good' | 'bad' | 'warn' | 'info';
export type Cell = string | { text: string; tone: Tone };

export type Block =
  | { kind: 'paragraph'; lead?: string; text: string; tone?: Tone }
  | { kind: 'list'; items: string[]; ordered?: boolean }
  | { kind: 'table'; headers: string[]; rows: Cell[][]; note?: string }
  /** Where the HTML report puts a chart per probe (Markdown has none). */
  | { kind: 'probe-charts' }
  /** Where the HTML report puts the Gantt-like fault timeline. */
  | { kind: 'fault-gantt' }
  /** Where the HTML report puts each load stream's charts over time. */
  | { kind: 'load-charts' };

export type Section = { id: string; title: string; blocks: Block[] };

export type ReportDocument = {
  title: string;
  verdictLabel: string;
  verdictTone: Tone;
  facts: [string, string][];
  sections: Section[];
};
