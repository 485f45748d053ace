// Every string that comes from the cluster, a probe or the experiment goes through one of these
// before it reaches a report: names, labels, probe output and error messages are untrusted text.

const htmlEntities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

// Control characters other than tab and newline become their visible Unicode pictures (ESC -> ␛),
// so terminal escape sequences in probe output can neither hide text nor break a format.
export function showControlCharacters(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) =>
    c === '\r' ? '' : String.fromCharCode(c === '\u007f' ? 0x2421 : 0x2400 + c.charCodeAt(0)),
  );
}

// Text for HTML element content and quoted attribute values (also inside inline SVG).
export function escapeHtml(value: unknown): string {
  return showControlCharacters(String(value)).replace(/[&<>"']/g, (c) => htmlEntities[c] ?? c);
}

// Markdown punctuation that can start emphasis, code, links, HTML, entities, headings, strikethrough
// or table cells: each one is backslash-escaped (CommonMark allows a backslash before any ASCII
// punctuation). With [ and ] escaped, no link or image can form, so ( ) and ! stay as they are.
const markdownSpecial = /[\\`*_[\]<>#|~&]/g;

// Text inside a Markdown paragraph or list item: it stays on its line and renders literally.
export function escapeMarkdown(value: unknown): string {
  return showControlCharacters(String(value))
    .replace(markdownSpecial, (c) => `\\${c}`)
    .replace(/\t/g, ' ')
    .replace(/\n/g, '<br>');
}

// Text inside a Markdown table cell: as escapeMarkdown (pipes included, newlines as <br>), never empty.
export function escapeMarkdownCell(value: unknown): string {
  const text = escapeMarkdown(value);
  return text.trim() === '' ? ' ' : text;
}

// Text inside a Markdown code span: a fence longer than any run of backticks in it.
export function markdownCode(value: unknown): string {
  const text = showControlCharacters(String(value)).replace(/[\t\n]/g, ' ');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

// Text for XML 1.0 content and attributes: characters XML forbids even as references are replaced.
export function escapeXml(value: unknown): string {
  return String(value)
    .replace(
      // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these characters
      /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
      '\ufffd',
    )
    .replace(/[&<>"']/g, (c) => htmlEntities[c] ?? c)
    .replace(/\r/g, '&#13;');
}
