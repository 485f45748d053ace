// The synthetic journal bench/render-report.ts renders: a long run with 5 hypothesis probes sampled
// every second, faults every 10 minutes, and short excursions out of tolerance during the faults.
import type { Journal, JournalEvent, JournalSample } from '../src/engine/journal.ts';

// A deterministic pseudo-random source, so every run of the bench renders the same journal.
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const probes = [
  {
    name: 'storefront-latency',
    kind: 'http',
    expect: { status: 200, latencyMs: { below: 500 } },
    base: 40,
    spread: 30,
    ok: (v: number) => v < 500,
  },
  {
    name: 'checkout-latency',
    kind: 'http',
    expect: { status: 200, latencyMs: { below: 800 } },
    base: 90,
    spread: 60,
    ok: (v: number) => v < 800,
  },
  {
    name: 'error-ratio',
    kind: 'prometheus',
    expect: { below: 0.01 },
    base: 0.001,
    spread: 0.001,
    ok: (v: number) => v < 0.01,
  },
  {
    name: 'ready-replicas',
    kind: 'kubernetes',
    expect: { atLeast: 2 },
    base: 3,
    spread: 0,
    ok: (v: number) => v >= 2,
  },
  {
    name: 'queue-depth',
    kind: 'prometheus',
    expect: { between: [0, 200] },
    base: 40,
    spread: 15,
    ok: (v: number) => v >= 0 && v <= 200,
  },
];

// A run of `durationMs`: faults every 10 minutes for 4 minutes (or scaled down for short runs),
// during which the probes degrade and sometimes leave their tolerance for a sample or two.
export function syntheticJournal(durationMs: number): Journal {
  const next = random(7);
  const start = Date.UTC(2026, 10, 22, 6, 0, 0);
  const method = start + 200;
  const everyMs = 1_000;
  const period = Math.min(600_000, durationMs / 2);
  const faultLength = period * 0.4;
  const faults: Journal['faults'] = [];
  const events: JournalEvent[] = [
    { at: start, phase: 'recover', type: 'phase', message: 'recovering faults left by earlier runs' },
    { at: start + 10, phase: 'steady-state-before', type: 'phase', message: 'checking the steady state' },
    { at: method, phase: 'method', type: 'phase', message: 'method started' },
  ];
  for (let from = period / 4, i = 0; from + faultLength <= durationMs; from += period, i++) {
    const name = `slow-catalog-${i}`;
    const injectedAt = method + from;
    const revertedAt = injectedAt + faultLength;
    faults.push({
      name,
      kind: 'toxiproxy',
      startMs: from,
      endMs: from + faultLength,
      actions: [
        {
          target: 'catalog (latency downstream)',
          undo: { kind: 'toxic', url: 'http://127.0.0.1:8474', proxy: 'catalog', toxic: name },
          ledgerEntry: `bench/${name}/0`,
          injectedAt,
          revertedAt,
          revert: 'reverted',
          revertAttempts: i % 3 === 2 ? 2 : 1,
        },
      ],
    });
    events.push({
      at: injectedAt,
      phase: 'method',
      type: 'injected',
      message: `${name}: toxic on catalog`,
      fault: name,
    });
    events.push({
      at: revertedAt,
      phase: 'method',
      type: 'reverted',
      message: `${name}: reverted`,
      fault: name,
    });
  }
  const inFault = (at: number) =>
    faults.some((f) => (f.actions[0]?.injectedAt ?? 0) <= at && at <= (f.actions[0]?.revertedAt ?? 0));
  const samples: JournalSample[] = [];
  const sample = (at: number, phase: JournalSample['phase']) => {
    for (const p of probes) {
      const degraded = inFault(at) ? 3 + next() * 5 : 1;
      let value =
        p.kind === 'kubernetes'
          ? inFault(at) && next() < 0.1
            ? 2
            : 3
          : p.base + next() * p.spread * degraded;
      if (inFault(at) && next() < 0.01) value = p.kind === 'kubernetes' ? 1 : value * 6;
      const ok = p.ok(value);
      const detail = ok
        ? `value ${value.toFixed(3)}`
        : `value ${value.toFixed(3)}, expected ${JSON.stringify(p.expect)}`;
      samples.push({
        probe: p.name,
        at,
        outcome: ok ? 'ok' : 'out-of-tolerance',
        value,
        detail,
        durationMs: 4,
        attempts: 1,
        phase,
        role: 'hypothesis',
      });
      if (!ok && phase === 'method')
        events.push({
          at,
          phase,
          type: 'probe-failed',
          message: `${p.name}: out-of-tolerance: ${detail} (1 of 3 in a row)`,
          probe: p.name,
        });
    }
  };
  sample(start + 20, 'steady-state-before');
  for (let t = everyMs; t <= durationMs; t += everyMs) sample(method + t, 'method');
  const end = method + durationMs + 5_000;
  sample(end - 50, 'steady-state-after');
  events.push({ at: end, phase: 'done', type: 'verdict', message: 'held: the steady-state hypothesis held' });
  events.sort((a, b) => a.at - b.at);
  const firstFailed = samples.find((s) => s.phase === 'method' && s.outcome !== 'ok');
  return {
    journalVersion: 1,
    runId: `bench-${durationMs}`,
    experimentFile: 'bench.yaml',
    experiment: { metadata: { name: 'bench-long-run' }, spec: { description: 'A synthetic long run.' } },
    seed: 1,
    startedAt: start,
    endedAt: end,
    methodStartedAt: method,
    methodEndedAt: method + durationMs,
    verdict: 'held',
    reason: 'the steady-state hypothesis held before, during and after the faults',
    settings: { durationMs, everyMs, failAfter: 3, recoveryMs: 5_000, revertTimeoutMs: 60_000 },
    probes: probes.map((p) => ({ name: p.name, role: 'hypothesis', kind: p.kind, expect: p.expect })),
    faults,
    events,
    samples,
    firstDeviation: firstFailed && {
      probe: firstFailed.probe,
      at: firstFailed.at,
      detail: firstFailed.detail,
    },
    ledger: { file: 'bench-ledger.jsonl', leftBehind: [] },
  };
}
