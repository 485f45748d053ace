// Load streams (`spec.load`) and the `load` probe: steady open-model HTTP traffic through the whole
// run, and tolerances on what it cost (lost requests, error ratio, latency percentiles, throughput).
import { type Static, Type } from '@sinclair/typebox';
import { ratePattern } from './rate.ts';
import { Duration, Name, strict } from './schema-primitives.ts';
import { StatusExpectation, Tolerance } from './tolerance-schema.ts';

const rateDescription = 'Requests per second as a number, or a count per unit: 200/s, 12000/m, 3600/h.';
const rateExpected = 'a rate such as 200/s, 12000/m or 50 (per second)';

export const Rate = Type.Union(
  [
    Type.Number({ minimum: 0, 'x-expected': rateExpected }),
    Type.String({ pattern: ratePattern, 'x-expected': rateExpected }),
  ],
  { description: rateDescription, 'x-expected': rateExpected },
);

// The keys a load tolerance can judge, in the order reports show them.
export const loadToleranceKeys = [
  'lostRequests',
  'errorRatio',
  'p50Ms',
  'p95Ms',
  'p99Ms',
  'throughput',
] as const;

const percentile = (p: number) =>
  Type.Optional({
    ...Tolerance,
    description: `${p}th percentile latency, ms (an http burst's; a load window's, from each request's intended send time, over the answered requests).`,
  });

export const loadToleranceProperties = {
  lostRequests: Type.Optional({
    ...Tolerance,
    description:
      'load: requests sent and not answered as expected (a wrong status, a timeout, a connection failure).',
  }),
  errorRatio: Type.Optional({
    ...Tolerance,
    description:
      "The share of requests that failed: of an http burst's, or of a load window's requests that ended.",
  }),
  p50Ms: percentile(50),
  p95Ms: percentile(95),
  p99Ms: percentile(99),
  throughput: Type.Optional({
    ...Tolerance,
    description: 'load: requests answered as expected, per second.',
  }),
};

export const LoadHttp = Type.Object(
  {
    url: Type.String({ minLength: 1, description: 'An absolute http:// or https:// URL.' }),
    method: Type.Optional(
      Type.Union(
        ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].map((method) => Type.Literal(method)),
        { description: 'Default GET.' },
      ),
    ),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    body: Type.Optional(Type.String({ description: 'Sent with every request.' })),
    timeout: Type.Optional({
      ...Duration,
      description:
        'A request not answered within this (from when it is sent) is lost as a timeout; default 5s.',
    }),
  },
  strict,
);

export const LoadStream = Type.Object(
  {
    name: Name,
    http: LoadHttp,
    rate: { ...Rate, description: `The constant arrival rate (open model). ${rateDescription}` },
    ramp: Type.Optional(
      Type.Object(
        {
          from: { ...Rate, description: 'The rate at the start of the ramp (e.g. 0/s).' },
          over: { ...Duration, description: 'How long the ramp takes to reach `rate`.' },
        },
        { ...strict, description: 'A linear ramp up (or down) to `rate` when the stream starts.' },
      ),
    ),
    maxInFlight: Type.Optional(
      Type.Integer({
        minimum: 1,
        description:
          'A request due while this many are in flight is not sent (counted apart, never lost). Default: rate x (timeout + 1 s) + 16.',
      }),
    ),
    lateAfter: Type.Optional({
      ...Duration,
      description:
        'A request the generator could only send more than this after its intended time is not sent (counted apart as late, never lost); default 1s. A request sent late carries its lateness in its latency.',
    }),
    expect: Type.Optional(
      Type.Object(
        {
          status: Type.Optional({
            ...StatusExpectation,
            description: 'The status of an answer as expected (one or a list); default any 2xx or 3xx.',
          }),
          ...loadToleranceProperties,
        },
        {
          ...strict,
          description:
            'The status each answer must have, and tolerances judged over the whole run once the stream has stopped.',
        },
      ),
    ),
  },
  strict,
);

export const LoadProbe = Type.Object(
  {
    stream: { ...Name, description: 'The name of a stream of spec.load.' },
    window: {
      ...Duration,
      description:
        'The trailing window judged at each sample (at least 1s and at least during.every), together with the earlier requests that ended in it.',
    },
  },
  strict,
);

export type LoadStreamSpec = Static<typeof LoadStream>;
export type LoadProbeSpec = Static<typeof LoadProbe>;
export type LoadExpectSpec = NonNullable<LoadStreamSpec['expect']>;
export type LoadToleranceKey = (typeof loadToleranceKeys)[number];
