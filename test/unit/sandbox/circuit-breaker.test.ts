import test from 'ava';
import { type CircuitBreaker, createCircuitBreaker } from '../../../sandbox/shop/circuit-breaker.ts';

function createBreakerWithClock(): { breaker: CircuitBreaker; advance: (ms: number) => void } {
  let time = 1_000;
  const breaker = createCircuitBreaker({ failureThreshold: 5, openMs: 2000, now: () => time });
  return { breaker, advance: (ms) => (time += ms) };
}

function failTimes(breaker: CircuitBreaker, times: number): void {
  for (let i = 0; i < times; i += 1) {
    breaker.tryAcquire();
    breaker.recordFailure();
  }
}

test('starts closed and lets calls through', (t) => {
  const { breaker } = createBreakerWithClock();
  t.is(breaker.state(), 'closed');
  t.true(breaker.tryAcquire());
  t.true(breaker.tryAcquire());
});

test('stays closed after 4 consecutive failures and opens on the 5th', (t) => {
  const { breaker } = createBreakerWithClock();
  failTimes(breaker, 4);
  t.is(breaker.state(), 'closed');
  t.true(breaker.tryAcquire());
  breaker.recordFailure();
  t.is(breaker.state(), 'open');
  t.false(breaker.tryAcquire());
});

test('a success resets the count of consecutive failures', (t) => {
  const { breaker } = createBreakerWithClock();
  failTimes(breaker, 4);
  breaker.recordSuccess();
  failTimes(breaker, 4);
  t.is(breaker.state(), 'closed');
  failTimes(breaker, 1);
  t.is(breaker.state(), 'open');
});

test('turns half-open exactly 2 s after opening, not before', (t) => {
  const { breaker, advance } = createBreakerWithClock();
  failTimes(breaker, 5);
  advance(1999);
  t.is(breaker.state(), 'open');
  t.false(breaker.tryAcquire());
  advance(1);
  t.is(breaker.state(), 'half-open');
});

test('half-open lets a single trial call through at a time', (t) => {
  const { breaker, advance } = createBreakerWithClock();
  failTimes(breaker, 5);
  advance(2000);
  t.true(breaker.tryAcquire());
  t.false(breaker.tryAcquire());
  t.false(breaker.tryAcquire());
});

test('a successful trial closes the circuit', (t) => {
  const { breaker, advance } = createBreakerWithClock();
  failTimes(breaker, 5);
  advance(2000);
  t.true(breaker.tryAcquire());
  breaker.recordSuccess();
  t.is(breaker.state(), 'closed');
  t.true(breaker.tryAcquire());
  t.true(breaker.tryAcquire());
});

test('a failed trial reopens the circuit for another 2 s', (t) => {
  const { breaker, advance } = createBreakerWithClock();
  failTimes(breaker, 5);
  advance(2500);
  t.true(breaker.tryAcquire());
  breaker.recordFailure();
  t.is(breaker.state(), 'open');
  advance(1999);
  t.false(breaker.tryAcquire());
  advance(1);
  t.is(breaker.state(), 'half-open');
  t.true(breaker.tryAcquire());
});

test('after closing again it takes 5 new consecutive failures to reopen', (t) => {
  const { breaker, advance } = createBreakerWithClock();
  failTimes(breaker, 5);
  advance(2000);
  breaker.tryAcquire();
  breaker.recordSuccess();
  failTimes(breaker, 4);
  t.is(breaker.state(), 'closed');
  failTimes(breaker, 1);
  t.is(breaker.state(), 'open');
});

test('failures of calls that started before the circuit opened do not extend the open period', (t) => {
  const { breaker, advance } = createBreakerWithClock();
  failTimes(breaker, 5);
  advance(1500);
  breaker.recordFailure();
  advance(500);
  t.is(breaker.state(), 'half-open');
});

test('a trial that never reports back frees its slot after another 2 s', (t) => {
  const { breaker, advance } = createBreakerWithClock();
  failTimes(breaker, 5);
  advance(2000);
  t.true(breaker.tryAcquire());
  advance(1999);
  t.false(breaker.tryAcquire());
  advance(1);
  t.true(breaker.tryAcquire());
});

test('rejects thresholds that cannot work', (t) => {
  t.throws(() => createCircuitBreaker({ failureThreshold: 0, openMs: 2000, now: () => 0 }), {
    instanceOf: RangeError,
  });
  t.throws(() => createCircuitBreaker({ failureThreshold: 5, openMs: -1, now: () => 0 }), {
    instanceOf: RangeError,
  });
});
