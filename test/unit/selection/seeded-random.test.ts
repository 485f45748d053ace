import test from 'ava';
import {
  createSeededRandom,
  deriveSeed,
  maxSeed,
  newSeed,
  parseSeed,
  pickRandom,
} from '../../../src/selection/seeded-random.ts';

const pods = Array.from({ length: 20 }, (_, index) => `checkout-${String(index).padStart(2, '0')}`);

test('the same seed gives the same sequence', (t) => {
  const a = createSeededRandom(1234);
  const b = createSeededRandom(1234);
  t.deepEqual(
    Array.from({ length: 10 }, () => a()),
    Array.from({ length: 10 }, () => b()),
  );
});

test('numbers fall in [0, 1)', (t) => {
  const random = createSeededRandom(0);
  for (let index = 0; index < 10_000; index += 1) {
    const value = random();
    t.true(value >= 0 && value < 1, `${value}`);
  }
});

test('the same seed and the same set give the same pick, whatever the order of the set', (t) => {
  const shuffled = [...pods].reverse();
  t.deepEqual(pickRandom(pods, 5, createSeededRandom(42)), pickRandom(shuffled, 5, createSeededRandom(42)));
});

test('different seeds give different picks', (t) => {
  const picks = new Set<string>();
  for (let seed = 0; seed < 20; seed += 1) picks.add(pickRandom(pods, 3, createSeededRandom(seed)).join(','));
  t.true(picks.size >= 18, `only ${picks.size} distinct picks out of 20 seeds`);
});

test('a pick has distinct items from the set, and never more than the set holds', (t) => {
  const pick = pickRandom(pods, 7, createSeededRandom(7));
  t.is(pick.length, 7);
  t.is(new Set(pick).size, 7);
  for (const item of pick) t.true(pods.includes(item));
  t.is(pickRandom(pods.slice(0, 3), 10, createSeededRandom(7)).length, 3);
  t.deepEqual(pickRandom([], 2, createSeededRandom(7)), []);
  t.deepEqual(pickRandom(pods, 0, createSeededRandom(7)), []);
});

test('objects are ordered by their key before the pick', (t) => {
  const items = pods.map((name) => ({ name }));
  const forward = pickRandom(items, 4, createSeededRandom(9), (item) => item.name).map((item) => item.name);
  const backward = pickRandom([...items].reverse(), 4, createSeededRandom(9), (item) => item.name);
  t.deepEqual(
    backward.map((item) => item.name),
    forward,
  );
});

test('every item can be picked (the shuffle reaches the whole set)', (t) => {
  const seen = new Set<string>();
  for (let seed = 0; seed < 500; seed += 1)
    seen.add(pickRandom(pods, 1, createSeededRandom(seed))[0] as string);
  t.is(seen.size, pods.length);
});

test('deriveSeed gives each fault its own stream', (t) => {
  t.is(deriveSeed(5, 'kill-one'), deriveSeed(5, 'kill-one'));
  t.not(deriveSeed(5, 'kill-one'), deriveSeed(5, 'kill-two'));
  t.not(deriveSeed(5, 'kill-one'), deriveSeed(6, 'kill-one'));
});

test('parseSeed reads integers from 0 to 2^32 - 1 and nothing else', (t) => {
  t.is(parseSeed('0'), 0);
  t.is(parseSeed('4294967295'), maxSeed);
  for (const text of ['4294967296', '-1', '1.5', '', 'abc', '12a', ' 1'])
    t.is(parseSeed(text), undefined, text);
});

test('newSeed gives a seed parseSeed accepts', (t) => {
  const seed = newSeed();
  t.is(parseSeed(String(seed)), seed);
});
