// Hides secret values in everything Faultline prints or writes. A secret leaves the process in more
// spellings than the one it was given in, and every one of these is replaced with ***:
//
// - as given, and escaped inside a JSON string;
// - URL-encoded: encodeURIComponent, the same with + for spaces (query strings), the
//   application/x-www-form-urlencoded form of URLSearchParams (a Prometheus query in a URL), and
//   encodeURI (a secret inside a URL path); each also with lower-case hex digits (%2f);
// - base64, standard (+/) and URL-safe (-_): in base64 a byte string is spelled differently
//   depending on its offset modulo 3 in the encoded data, so for each of the three alignments the
//   characters determined by the secret's bytes alone are hidden. When the secret ends the encoded
//   data, its last characters and the padding (with or without =) are hidden too: this covers a
//   Basic auth header, base64("user:" + secret), whatever the user name's length. What is left in
//   view is at most one character at each end, carrying at most 4 bits of the secret mixed with
//   its neighbours' bits (the ':' of a Basic header).
//
// Not covered: other encodings (hex, base32, base64 of an already URL-encoded secret...), a secret
// split across lines, case changes.
//
// A secret shorter than minimumSecretLength is refused at load (see variables.ts): replacing two
// characters wherever they occur would shred every output and protects nothing.
export const minimumSecretLength = 4;

export function createRedactor(secretValues: readonly string[]): (text: string) => string {
  const forms = new Set<string>();
  for (const value of secretValues) {
    if (value === '') continue;
    for (const form of spellingsOf(value)) forms.add(form);
  }
  if (forms.size === 0) return (text) => text;
  // Longest first: the alternation takes the first that matches at a position.
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(ordered.map(escapeRegExp).join('|'), 'g');
  return (text) => text.replace(pattern, '***');
}

function spellingsOf(secret: string): string[] {
  const urlEncoded = [
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%20/g, '+'),
    new URLSearchParams({ s: secret }).toString().slice(2),
    encodeURI(secret),
  ];
  const lowerHex = urlEncoded.map((form) => form.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()));
  return [
    secret,
    JSON.stringify(secret).slice(1, -1),
    ...urlEncoded,
    ...lowerHex,
    ...base64Spellings(secret),
  ];
}

// For each alignment a (the secret's bytes start at bit 8a of a 3-byte group), the base64
// characters whose 6 bits all come from the secret; and, for the secret at the end of the data,
// those up to the end with the padding.
function base64Spellings(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const spellings: string[] = [];
  for (const a of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(a), bytes]).toString('base64');
    const first = Math.ceil((8 * a) / 6);
    const endBit = 8 * (a + bytes.length);
    const inner = encoded.slice(first, Math.floor(endBit / 6));
    const atEnd = encoded.slice(first);
    for (const standard of [inner, atEnd, atEnd.replace(/=+$/, '')]) {
      if (standard.length < minimumSecretLength) continue;
      spellings.push(standard, standard.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return spellings;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
