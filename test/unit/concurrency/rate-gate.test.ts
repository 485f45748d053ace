import test from 'ava';
import { createRateGate } from '../../../src/concurrency/rate-gate.ts';

// A clock that only moves when the gate sleeps: the times at which calls are let through.
function fakeTime() {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
}

test('calls at once are let through 1/rate apart, in order', async (t) => {
  const time = fakeTime();
  const gate = createRateGate(50, time.now, time.sleep);
  const released: number[] = [];
  for (let i = 0; i < 5; i++) {
    await gate();
    released.push(time.now());
  }
  t.deepEqual(released, [0, 20, 40, 60, 80]);
});

test('concurrent callers get consecutive slots, never two in one', async (t) => {
  let now = 0;
  const slots: number[] = [];
  const gate = createRateGate(
    10,
    () => now,
    async (ms) => {
      slots.push(now + ms);
    },
  );
  await Promise.all(Array.from({ length: 4 }, () => gate()));
  t.deepEqual(slots, [100, 200, 300], 'the first goes at once, the others 100 ms apart');
  now = 1_000;
  await gate();
  t.deepEqual(slots, [100, 200, 300], 'an idle gate lets the next call through at once');
});

test('a rate of 0 or less is refused', (t) => {
  const time = fakeTime();
  t.throws(() => createRateGate(0, time.now, time.sleep), { instanceOf: RangeError });
  t.throws(() => createRateGate(-1, time.now, time.sleep), { instanceOf: RangeError });
});
