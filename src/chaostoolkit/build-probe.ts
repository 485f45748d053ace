// A Faultline probe from a mapped provider and its expectation: the name first, then the kind's
// body (with what the tolerance adds to a prometheus probe), then `expect`.
import type { MappedExpect, MappedProbe } from './mapped-activity.ts';

export function buildProbe(
  name: string,
  mapped: Pick<MappedProbe, 'body'>,
  expectation: MappedExpect,
): Record<string, unknown> {
  const body = structuredClone(mapped.body);
  const prometheus = body.prometheus as Record<string, unknown> | undefined;
  if (prometheus) {
    if (expectation.queryOf) prometheus.query = expectation.queryOf(String(prometheus.query));
    Object.assign(prometheus, expectation.prometheus ?? {});
  }
  const { timeout, retries, ...kind } = body;
  return {
    name,
    ...kind,
    expect: expectation.expect,
    ...(timeout !== undefined ? { timeout } : {}),
    ...(retries !== undefined ? { retries } : {}),
  };
}
