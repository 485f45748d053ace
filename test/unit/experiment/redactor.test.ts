// The redactor hides a secret in the spellings it leaves the process in: URL-encoded in a query
// string, base64 in a header, at any offset of the encoded data.
import test from 'ava';
import fc from 'fast-check';
import { formatDiagnostic } from '../../../src/experiment/diagnostic.ts';
import { parseExperiment } from '../../../src/experiment/load-experiment.ts';
import { createRedactor, minimumSecretLength } from '../../../src/experiment/redactor.ts';

const ref = (name: string) => `\${${name}}`;
const secret = 'p@ss w/rd&t=1!';

test('a secret URL-encoded in a query string is redacted, in every common encoder’s spelling', (t) => {
  const redact = createRedactor([secret]);
  const query = `sum(rate(http_requests_total{token="${secret}"}[1m]))`;
  const urls = [
    `http://prometheus:9090/api/v1/query?query=${encodeURIComponent(query)}`,
    `http://prometheus:9090/api/v1/query?${new URLSearchParams({ query })}`,
    `http://prometheus:9090/api/v1/query?query=${encodeURIComponent(query).replace(/%20/g, '+')}`,
    `http://prometheus:9090/api/v1/query?query=${encodeURIComponent(query).toLowerCase()}`,
    new URL(`http://shop/${secret}/x`).href,
  ];
  for (const url of urls) {
    const redacted = redact(url);
    t.true(redacted.includes('***'), url);
    t.false(decodeURIComponent(redacted.replace(/\+/g, ' ')).includes(secret), `${url} -> ${redacted}`);
  }
  t.is(
    redact(`query=${encodeURIComponent(query)}`),
    `query=${encodeURIComponent('sum(rate(http_requests_total{token="')}***${encodeURIComponent('"}[1m]))')}`,
  );
});

test('a Basic auth header with the secret as its password is redacted (standard and URL-safe, padded or not)', (t) => {
  const redact = createRedactor([secret]);
  for (const user of ['a', 'ab', 'admin', 'operator']) {
    const encoded = Buffer.from(`${user}:${secret}`).toString('base64');
    const visible = Math.ceil(((user.length + 1) * 8) / 6);
    for (const spelling of [
      encoded,
      encoded.replace(/=+$/, ''),
      encoded.replace(/\+/g, '-').replace(/\//g, '_'),
    ]) {
      const redacted = redact(`Authorization: Basic ${spelling}`);
      t.is(redacted, `Authorization: Basic ${spelling.slice(0, visible)}***`, `user ${user}`);
    }
  }
});

// Whatever surrounds it, every base64 character computed from the secret's bytes alone is hidden:
// what stays in view touches the bytes before or after it (or the padding).
test('a secret base64-encoded at any offset of longer data is redacted', (t) => {
  fc.assert(
    fc.property(
      fc.string({ minLength: 6, maxLength: 40, unit: 'grapheme' }),
      fc.uint8Array({ maxLength: 12 }),
      fc.uint8Array({ maxLength: 12 }),
      fc.boolean(),
      (value, before, after, urlSafe) => {
        const secretBytes = Buffer.from(value);
        const data = Buffer.concat([before, secretBytes, after]);
        let encoded = data.toString('base64');
        if (urlSafe) encoded = encoded.replace(/\+/g, '-').replace(/\//g, '_');
        const redacted = createRedactor([value])(encoded);
        const parts = redacted.split('***');
        if (parts.length < 2) return false;
        const head = parts[0] as string;
        const tail = parts[parts.length - 1] as string;
        const touchesBefore = Math.ceil((before.length * 8) / 6);
        const touchesAfter = encoded.length - Math.floor(((before.length + secretBytes.length) * 8) / 6);
        return (
          encoded.startsWith(head) &&
          encoded.endsWith(tail) &&
          head.length <= touchesBefore &&
          tail.length <= touchesAfter
        );
      },
    ),
    { numRuns: 500 },
  );
  t.pass();
});

test('the redactor still hides plain and JSON-escaped secrets, and leaves other text alone', (t) => {
  const redact = createRedactor([secret, 'quo"te-value']);
  t.is(redact(`a ${secret} b`), 'a *** b');
  t.is(redact(JSON.stringify({ token: 'quo"te-value' })), '{"token":"***"}');
  t.is(redact('nothing secret, no base64 of it: c2VjcmV0'), 'nothing secret, no base64 of it: c2VjcmV0');
});

test(`a secret shorter than ${minimumSecretLength} characters is refused where it is declared`, (t) => {
  const text = `apiVersion: faultline.dev/v1alpha1
kind: Experiment
metadata: { name: short }
spec:
  secrets: { PIN: { env: PIN_SOURCE } }
  duration: 60s
  hypothesis:
    probes:
      - name: answers
        http: { url: "http://shop/?pin=${ref('PIN')}" }
        expect: { status: 200 }
  faults:
    - name: kill
      podKill: { namespace: shop, selector: app=checkout }
`;
  const short = parseExperiment(text, 'x.yaml', { env: { PIN_SOURCE: 'e' } });
  t.is(short.experiment, undefined);
  t.deepEqual(short.diagnostics.map(formatDiagnostic), [
    `x.yaml:5:19: error: spec.secrets.PIN: secret PIN is 1 character long: every output hides a secret by replacing it wherever it occurs, and a value this short would be replaced everywhere; a secret needs at least ${minimumSecretLength} characters (a value that is not secret belongs in spec.configuration)`,
  ]);
  const long = parseExperiment(text, 'x.yaml', { env: { PIN_SOURCE: '8675' } });
  t.deepEqual(long.diagnostics, []);
  t.is(
    long.redact(`GET ${long.experiment?.spec.hypothesis.probes[0]?.http?.url}`),
    'GET http://shop/?pin=***',
  );
});
