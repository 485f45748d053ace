// The mapping table of docs/chaostoolkit.md, made from the import's catalogue: one row per
// function of chaosk8s, chaostoxi and chaosprometheus, mapped or not.
import { catalogue } from '../../../src/chaostoolkit/map-provider.ts';

export const tableStart =
  '<!-- mapping table: checked against src/chaostoolkit/providers by test/unit/docs/chaostoolkit-table.test.ts -->';
export const tableEnd = '<!-- end of mapping table -->';

export function renderMappingTable(): string {
  const ordered = [...catalogue].sort(
    (a, b) =>
      a.module.localeCompare(b.module) || Number(!a.map) - Number(!b.map) || a.func.localeCompare(b.func),
  );
  const rows = ordered.map((entry) => {
    const becomes = entry.map ? (entry.mapsTo ?? '') : `does not map: ${entry.why}`;
    return `| \`${entry.module}\` | \`${entry.func}\` | ${entry.kind} | ${becomes.replaceAll('|', '\\|')} |`;
  });
  return [
    tableStart,
    '',
    '| module | function | kind | in Faultline |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    tableEnd,
  ].join('\n');
}
