// The opt-in label an experiment may require on every target (`safety.optInLabel`): `key` or
// `key=value`, matched against a pod's or node's labels. Pure.
export type OptInLabel = { key: string; value?: string };

export function parseOptInLabel(text: string): OptInLabel {
  const equals = text.indexOf('=');
  return equals < 0
    ? { key: text.trim() }
    : { key: text.slice(0, equals).trim(), value: text.slice(equals + 1).trim() };
}

export function hasOptInLabel(labels: Readonly<Record<string, string>>, optIn: OptInLabel): boolean {
  if (!Object.hasOwn(labels, optIn.key)) return false;
  return optIn.value === undefined || labels[optIn.key] === optIn.value;
}

export function formatOptInLabel(optIn: OptInLabel): string {
  return optIn.value === undefined ? optIn.key : `${optIn.key}=${optIn.value}`;
}
