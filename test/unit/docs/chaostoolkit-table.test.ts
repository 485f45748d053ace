// docs/chaostoolkit.md lists every function of the three extensions with what it becomes, exactly
// as the import's catalogue maps it. On a difference, the expected table is shown: paste it.
import { readFileSync } from 'node:fs';
import test from 'ava';
import { projectRoot } from '../../helpers/sandbox-env.ts';
import { renderMappingTable, tableEnd, tableStart } from './chaostoolkit-table.ts';

// Biome aligns the columns of Markdown tables: compare cell by cell.
const normalise = (table: string) =>
  table
    .split('\n')
    .map((line) =>
      line.startsWith('|')
        ? line
            .split(/(?<!\\)\|/)
            .map((cell) => cell.trim().replace(/^-+$/, '-'))
            .join('|')
        : line,
    )
    .join('\n');

test('the mapping table in docs/chaostoolkit.md is the catalogue', (t) => {
  const document = readFileSync(`${projectRoot}docs/chaostoolkit.md`, 'utf8');
  const start = document.indexOf(tableStart);
  const end = document.indexOf(tableEnd);
  t.true(start >= 0 && end > start, 'the table markers are in the document');
  t.is(normalise(document.slice(start, end + tableEnd.length)), normalise(renderMappingTable()));
});

test('every function the table lists has a row of its own', (t) => {
  const rows = renderMappingTable()
    .split('\n')
    .filter((line) => line.startsWith('| `'));
  t.is(rows.length, 142);
  t.is(new Set(rows.map((row) => row.split(' | ').slice(0, 2).join())).size, rows.length);
});
