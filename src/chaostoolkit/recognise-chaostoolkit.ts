// Whether a file is a Chaos Toolkit experiment, judged by its shape and not by its name: `run`,
// `plan` and `validate` import such a file on the way. A file that does not parse as a whole is
// judged by the keys at its top, as far as they parse, so that a Chaos Toolkit file with a
// syntax error gets Chaos Toolkit's diagnostics rather than a Faultline document's.
import { isMap, isScalar, parseDocument } from 'yaml';
import { isChaosToolkitExperiment } from './chaostoolkit-shape.ts';
import { readChaosToolkitText } from './read-chaostoolkit-file.ts';

function topKeys(text: string): Record<string, true> | undefined {
  const document = parseDocument(text, { uniqueKeys: false, prettyErrors: false, logLevel: 'silent' });
  if (!isMap(document.contents)) return undefined;
  const keys = document.contents.items.flatMap((pair) =>
    isScalar(pair.key) ? [String(pair.key.value)] : [],
  );
  return Object.fromEntries(keys.map((key) => [key, true as const]));
}

export function isChaosToolkitText(text: string, file: string): boolean {
  const read = readChaosToolkitText(text, file);
  return isChaosToolkitExperiment(read.value === undefined ? topKeys(text) : read.value);
}
