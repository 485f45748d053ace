import test from 'ava';
import fc from 'fast-check';
import { formatDuration, parseDuration, tryParseDuration } from '../../../src/experiment/duration.ts';
import { Duration } from '../../../src/experiment/schema.ts';

const parses = test.macro({
  exec(t, text: string, ms: number) {
    t.is(parseDuration(text), ms);
  },
  title: (_title, text: string, ms: number) => `${text} is ${ms} ms`,
});

test(parses, '500ms', 500);
test(parses, '30s', 30_000);
test(parses, '2m', 120_000);
test(parses, '1h', 3_600_000);
test(parses, '1.5s', 1_500);
test(parses, '1.234s', 1_234);
test(parses, '0.1h', 360_000);
test(parses, '0s', 0);
test(parses, '1.5ms', 1.5);

const rejects = test.macro({
  exec(t, text: string) {
    t.is(tryParseDuration(text), undefined);
    t.throws(() => parseDuration(text), {
      instanceOf: RangeError,
      message: /expected a duration such as 500ms/,
    });
  },
  title: (_title, text: string) => `${JSON.stringify(text)} is not a duration`,
});

for (const text of ['', '30', 's', '30 s', '30 seconds', '-1s', '1.s', '.5s', '1d', '1m30s', '30S', ' 30s']) {
  test(rejects, text);
}

const formats = test.macro({
  exec(t, ms: number, text: string) {
    t.is(formatDuration(ms), text);
  },
  title: (_title, ms: number, text: string) => `${ms} ms is written ${text}`,
});

test(formats, 0, '0s');
test(formats, 500, '500ms');
test(formats, 1_500, '1.5s');
test(formats, 30_000, '30s');
test(formats, 90_000, '90s');
test(formats, 120_000, '2m');
test(formats, 7_200_000, '2h');
test(formats, 5_400_000, '90m');

test('formatDuration refuses what it cannot write', (t) => {
  t.throws(() => formatDuration(-1), { instanceOf: RangeError });
  t.throws(() => formatDuration(Number.NaN), { instanceOf: RangeError });
});

test('every whole number of milliseconds survives format then parse', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e15 }), (ms) => parseDuration(formatDuration(ms)) === ms),
    ),
  );
});

test('the parser and the schema pattern accept the same texts', (t) => {
  const pattern = new RegExp(Duration.pattern as string, 'u');
  const durationLike = fc
    .tuple(fc.stringMatching(/^[0-9.]{0,4}$/), fc.constantFrom('ms', 's', 'm', 'h', '', 'x', ' s'))
    .map(([number, unit]) => number + unit);
  t.notThrows(() =>
    fc.assert(
      fc.property(
        fc.oneof(durationLike, fc.string()),
        (text) => (tryParseDuration(text) !== undefined) === pattern.test(text),
      ),
    ),
  );
});
