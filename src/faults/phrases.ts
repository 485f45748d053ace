// Words shared by the drivers' descriptions: "2 pods", "30% of the nodes", "1 node".
export const howMany = (spec: { count?: number; percent?: number }, noun: string): string =>
  spec.count !== undefined
    ? `${spec.count} ${noun}${spec.count === 1 ? '' : 's'}`
    : spec.percent !== undefined
      ? `${spec.percent}% of the ${noun}s`
      : `1 ${noun}`;
