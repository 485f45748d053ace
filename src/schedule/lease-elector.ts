// Leader election on a coordination.k8s.io/v1 Lease, as client-go does it: the holder renews every
// duration/3 and steps down when it could not renew for 2/3 of the duration; a candidate takes a
// Lease over once it has not changed for a whole duration (measured on the candidate's own clock,
// never on the holder's timestamps). Every write carries the resourceVersion it read, so of two
// candidates only one wins. Fire claims (`claim`) ride on the same Lease: an annotation lists the
// fires already started, so no fire runs twice even across a change of leader.
import { isAdapterError } from '../adapters/adapter-error.ts';
import type { LeaseClient, LeaseRecord, LeaseWrite } from '../adapters/kubernetes-lease.ts';
import type { Clock } from '../clock.ts';

export const claimsAnnotation = 'faultline.dev/fires';

export type ClaimResult =
  | { granted: true }
  | { granted: false; reason: 'not-leader' | 'already-claimed' | 'lost-lease' };

export type LeaseElector = {
  readonly identity: string;
  isLeader(): boolean;
  /** One round of acquire-or-renew; resolves to whether this process leads. */
  tick(): Promise<boolean>;
  /** Ticks until the signal aborts: every duration/3 while leading, sooner while waiting. */
  run(signal: AbortSignal): Promise<void>;
  /** Marks `key` as started in the Lease, if this process leads and nobody has yet. */
  claim(key: string, ttlMs: number): Promise<ClaimResult>;
  /** Gives the Lease up (if held) so that another candidate takes it at once. */
  release(): Promise<void>;
  /** When the last round ended (for liveness). */
  lastTickAt(): number | undefined;
};

export type LeaseElectorOptions = {
  client: LeaseClient;
  identity: string;
  durationMs: number;
  clock: Clock;
  onChange?: (isLeader: boolean) => void;
  log?: (level: 'info' | 'warn', message: string) => void;
};

export function createLeaseElector(options: LeaseElectorOptions): LeaseElector {
  const { client, identity, clock } = options;
  const durationMs = options.durationMs;
  const renewEveryMs = Math.floor(durationMs / 3);
  const renewDeadlineMs = Math.floor((durationMs * 2) / 3);
  const retryEveryMs = Math.max(200, Math.min(2_000, Math.floor(durationMs / 5)));
  let observed: { record: LeaseRecord; changedAfter: number } | undefined;
  let lastReadAt: number | undefined;
  let leaderUntil = 0;
  let leading = false;
  let lastTick: number | undefined;
  let renewed = false;
  let queue: Promise<unknown> = Promise.resolve();

  // One Lease operation at a time: renewals and claims must not trip over each other's resourceVersion.
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work, work);
    queue = result.catch(() => undefined);
    return result;
  };

  const setLeading = (now: number) => {
    const leads = observed?.record.holderIdentity === identity && now < leaderUntil;
    if (leads !== leading) {
      leading = leads;
      options.onChange?.(leads);
    }
    return leads;
  };

  // When a new version shows up, it changed after our previous read was sent (if that read is
  // recent enough to bound it), else after this one: a candidate never counts from the holder's clock.
  const observe = (record: LeaseRecord, readSentAt: number) => {
    if (observed?.record.resourceVersion !== record.resourceVersion) {
      const recentPrevious =
        observed !== undefined && lastReadAt !== undefined && readSentAt - lastReadAt <= retryEveryMs * 1.5;
      observed = { record, changedAfter: recentPrevious ? (lastReadAt as number) : readSentAt };
    }
    lastReadAt = readSentAt;
  };

  const wrote = (record: LeaseRecord, sentAt: number) => {
    observed = { record, changedAfter: sentAt };
    lastReadAt = sentAt;
    leaderUntil = sentAt + renewDeadlineMs;
  };

  const expiresAt = () =>
    observed === undefined
      ? 0
      : observed.changedAfter + (observed.record.leaseDurationSeconds ?? durationMs / 1000) * 1000;

  const liveClaims = (annotations: Record<string, string>, now: number): Record<string, number> => {
    try {
      const parsed = JSON.parse(annotations[claimsAnnotation] ?? '{}') as Record<string, unknown>;
      return Object.fromEntries(
        Object.entries(parsed).filter((e): e is [string, number] => typeof e[1] === 'number' && e[1] > now),
      );
    } catch {
      return {};
    }
  };

  const takeOrRenew = (record: LeaseRecord | undefined, now: number): LeaseWrite => {
    const ours = record?.holderIdentity === identity;
    const annotations = { ...record?.annotations };
    annotations[claimsAnnotation] = JSON.stringify(liveClaims(annotations, now));
    return {
      holderIdentity: identity,
      leaseDurationSeconds: Math.round(durationMs / 1000),
      acquireTime: ours ? (record?.acquireTime ?? now) : now,
      renewTime: now,
      leaseTransitions: (record?.leaseTransitions ?? 0) + (ours || record === undefined ? 0 : 1),
      annotations,
    };
  };

  const tickOnce = async (): Promise<boolean> => {
    const sentAt = clock.now();
    renewed = false;
    try {
      const record = await client.get();
      if (record === undefined) {
        wrote(await client.create(takeOrRenew(undefined, sentAt)), sentAt);
        renewed = true;
        return setLeading(clock.now());
      }
      observe(record, sentAt);
      const heldByOther = record.holderIdentity !== undefined && record.holderIdentity !== identity;
      if (heldByOther && sentAt < expiresAt()) return setLeading(clock.now());
      if (heldByOther)
        options.log?.('info', `the Lease held by ${record.holderIdentity} expired: taking it over`);
      wrote(await client.replace(takeOrRenew(record, sentAt), record.resourceVersion), sentAt);
      renewed = true;
    } catch (error) {
      if (!isAdapterError(error, 'conflict'))
        options.log?.('warn', `Lease ${client.namespace}/${client.name}: ${(error as Error).message}`);
    } finally {
      lastTick = clock.now();
    }
    return setLeading(clock.now());
  };

  const claimOnce = async (key: string, ttlMs: number): Promise<ClaimResult | undefined> => {
    const sentAt = clock.now();
    if (!setLeading(sentAt)) return { granted: false, reason: 'not-leader' };
    const record = await client.get();
    if (record === undefined || record.holderIdentity !== identity) {
      if (record) observe(record, sentAt);
      leaderUntil = 0;
      setLeading(sentAt);
      return { granted: false, reason: 'lost-lease' };
    }
    const claims = liveClaims(record.annotations, sentAt);
    if (claims[key] !== undefined) return { granted: false, reason: 'already-claimed' };
    claims[key] = sentAt + ttlMs;
    const write = {
      ...takeOrRenew(record, sentAt),
      annotations: { ...record.annotations, [claimsAnnotation]: JSON.stringify(claims) },
    };
    try {
      wrote(await client.replace(write, record.resourceVersion), sentAt);
      return { granted: true };
    } catch (error) {
      if (isAdapterError(error, 'conflict')) return undefined; // someone wrote in between: read again
      throw error;
    }
  };

  const tick = () => exclusive(tickOnce);

  return {
    identity,
    isLeader: () => setLeading(clock.now()),
    tick,
    claim: (key, ttlMs) =>
      exclusive(async () => {
        for (let attempt = 0; attempt < 3; attempt++) {
          const result = await claimOnce(key, ttlMs);
          if (result) return result;
        }
        return { granted: false, reason: 'lost-lease' } as const;
      }),
    async release() {
      await exclusive(async () => {
        const record = await client.get();
        if (record?.holderIdentity !== identity) return;
        const now = clock.now();
        const write: LeaseWrite = {
          ...takeOrRenew(record, now),
          holderIdentity: undefined,
          leaseDurationSeconds: 1,
        };
        await client.replace(write, record.resourceVersion);
        leaderUntil = 0;
        observed = undefined;
        setLeading(now);
      });
    },
    lastTickAt: () => lastTick,
    async run(signal) {
      while (!signal.aborted) {
        const leads = await tick();
        const untilExpiry = expiresAt() - clock.now();
        const wait =
          leads && renewed
            ? renewEveryMs
            : Math.max(50, Math.min(retryEveryMs, leads ? retryEveryMs : untilExpiry));
        await clock.sleep(wait, signal);
      }
    },
  };
}
