// A small strict XML 1.0 well-formedness checker (elements, attributes, references, characters,
// comments, CDATA, one root), enough to prove junit.xml parses, and to count its elements.

export type XmlElement = {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
};

const nameStart = /[A-Za-z_:]/;
const nameRest = /[A-Za-z0-9_:.-]/;
const predefined: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

const isXmlChar = (code: number) =>
  code === 0x9 ||
  code === 0xa ||
  code === 0xd ||
  (code >= 0x20 && code <= 0xd7ff) ||
  (code >= 0xe000 && code <= 0xfffd) ||
  (code >= 0x10000 && code <= 0x10ffff);

export function parseXml(xml: string): XmlElement {
  let i = 0;
  const fail = (why: string): never => {
    const line = xml.slice(0, i).split('\n').length;
    throw new Error(`not well-formed XML at line ${line} (offset ${i}): ${why}`);
  };
  for (const char of xml) {
    const code = char.codePointAt(0) as number;
    if (!isXmlChar(code)) fail(`character U+${code.toString(16)} is not allowed in XML 1.0`);
  }
  const readName = () => {
    const from = i;
    if (!nameStart.test(xml[i] ?? '')) fail(`expected a name, found ${JSON.stringify(xml[i])}`);
    while (i < xml.length && nameRest.test(xml[i] as string)) i++;
    return xml.slice(from, i);
  };
  const skipSpace = () => {
    while (/\s/.test(xml[i] ?? '')) i++;
  };
  // Decodes character data, checking every reference.
  const decode = (raw: string, where: string) =>
    raw.replace(/&([^;]*);?/g, (match, body: string) => {
      if (!match.endsWith(';')) fail(`bare & in ${where}`);
      if (body in predefined) return predefined[body] as string;
      const numeric = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(body);
      if (!numeric) fail(`unknown entity &${body}; in ${where}`);
      const code = numeric?.[1] ? Number.parseInt(numeric[1], 16) : Number(numeric?.[2]);
      if (!isXmlChar(code)) fail(`&${body}; is not an allowed character`);
      return String.fromCodePoint(code);
    });
  const skipMisc = () => {
    for (;;) {
      skipSpace();
      if (xml.startsWith('<!--', i)) {
        const close = xml.indexOf('-->', i + 4);
        if (close < 0) fail('unterminated comment');
        if (xml.slice(i + 4, close).includes('--')) fail('"--" inside a comment');
        i = close + 3;
      } else if (xml.startsWith('<?', i) && !xml.startsWith('<?xml', i)) {
        const close = xml.indexOf('?>', i);
        if (close < 0) fail('unterminated processing instruction');
        i = close + 2;
      } else return;
    }
  };
  const readElement = (): XmlElement => {
    if (xml[i] !== '<') fail('expected <');
    i++;
    const element: XmlElement = { name: readName(), attributes: {}, children: [], text: '' };
    for (;;) {
      const hadSpace = /\s/.test(xml[i] ?? '');
      skipSpace();
      if (xml.startsWith('/>', i)) {
        i += 2;
        return element;
      }
      if (xml[i] === '>') {
        i++;
        break;
      }
      if (!hadSpace) fail('expected whitespace before an attribute');
      const name = readName();
      skipSpace();
      if (xml[i] !== '=') fail(`expected = after attribute ${name}`);
      i++;
      skipSpace();
      const quote = xml[i];
      if (quote !== '"' && quote !== "'") fail(`attribute ${name} is not quoted`);
      const close = xml.indexOf(quote as string, i + 1);
      if (close < 0) fail(`unterminated attribute ${name}`);
      const raw = xml.slice(i + 1, close);
      if (raw.includes('<')) fail(`< inside attribute ${name}`);
      if (name in element.attributes) fail(`duplicate attribute ${name}`);
      element.attributes[name] = decode(raw, `attribute ${name}`);
      i = close + 1;
    }
    for (;;) {
      const next = xml.indexOf('<', i);
      if (next < 0) fail(`element <${element.name}> is not closed`);
      const text = xml.slice(i, next);
      if (text.includes(']]>')) fail(']]> in text');
      element.text += decode(text, `<${element.name}> text`);
      i = next;
      if (xml.startsWith('</', i)) {
        i += 2;
        const name = readName();
        if (name !== element.name) fail(`</${name}> closes <${element.name}>`);
        skipSpace();
        if (xml[i] !== '>') fail('expected > after the closing tag');
        i++;
        return element;
      }
      if (xml.startsWith('<![CDATA[', i)) {
        const close = xml.indexOf(']]>', i);
        if (close < 0) fail('unterminated CDATA');
        element.text += xml.slice(i + 9, close);
        i = close + 3;
      } else if (xml.startsWith('<!--', i)) {
        skipMisc();
      } else element.children.push(readElement());
    }
  };
  if (xml.startsWith('\ufeff')) i++;
  if (xml.startsWith('<?xml', i)) {
    const close = xml.indexOf('?>', i);
    if (close < 0) fail('unterminated XML declaration');
    if (
      !/^<\?xml\s+version=(["'])1\.[0-9]\1(\s+encoding=(["'])[A-Za-z][\w.-]*\3)?\s*$/.test(
        xml.slice(i, close),
      )
    )
      fail('malformed XML declaration');
    i = close + 2;
  }
  skipMisc();
  const root = readElement();
  skipMisc();
  if (i !== xml.length) fail('content after the root element');
  return root;
}

// Every element named `name` under (and including) `root`.
export function findAll(root: XmlElement, name: string): XmlElement[] {
  const found = root.name === name ? [root] : [];
  for (const child of root.children) found.push(...findAll(child, name));
  return found;
}
