// The layer order in docs/architecture.md, kept true: every file is in a layer, every import points
// down the order (or stays in its layer), no files import each other in a circle, and the engine's
// functions stay short. The order is read from the document, so moving a layer is one edit there.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { checkHouse, maxEngineFunctionLines } from './architecture/check-house.ts';
import { readLayers } from './architecture/read-layers.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const house = checkHouse(root);

test('the layer order is read from docs/architecture.md', (t) => {
  const layers = readLayers(root);
  t.is(layers[0]?.path, 'cli/', 'the command line is the top layer');
  t.true(layers.length >= 10, `layers read: ${layers.map((layer) => layer.path).join(' ')}`);
  t.true(house.files > 50, 'the files of cli/ and src/ are found');
  t.deepEqual(house.problems, []);
});

test('every file under cli/ and src/ is in a layer of the order', (t) => {
  t.deepEqual(house.placeless, [], 'place their directory (or file) in the order in docs/architecture.md');
});

test('every import points down the layer order or stays in its layer', (t) => {
  t.log(`${house.imports} imports between ${house.files} files, ${house.upward.length} upward`);
  t.deepEqual(house.upward, [], 'move the imported code down, or the importer up');
});

test('no files import each other in a cycle, within a layer too', (t) => {
  t.log(`${house.cycles.length} cycles of files`);
  t.deepEqual(house.cycles, [], 'what the files share moves to a third file both import');
});

test(`no function in src/engine/ is longer than ${maxEngineFunctionLines} lines`, (t) => {
  t.log(`longest functions in src/:${house.longest.map((line) => `\n  ${line}`).join('')}`);
  t.deepEqual(house.longEngineFunctions, []);
});

// A small house with one of each kind of mistake, so the checks above are known to catch them.
const fixture = {
  'docs/architecture.md': [
    '# A house',
    '```',
    'not/ a layer: the order is the block under the heading',
    '```',
    '## Layers',
    '```',
    'cli/          the top',
    'src/engine/   the run',
    '              (a described line)',
    'src/probes/   sampling',
    'src/hypothesis/',
    'src/clock.ts  time',
    '```',
  ].join('\n'),
  'cli/main.ts': "export const run = () => import('../src/engine/run.ts');\n",
  'src/engine/run.ts': [
    "import { helper } from './helper.ts';",
    `export function tooLong(times: number): number {\n${'  helper();\n'.repeat(maxEngineFunctionLines - 1)}}`,
    `export const justShort = (): number => {\n${'  helper();\n'.repeat(maxEngineFunctionLines - 2)}};`,
  ].join('\n'),
  'src/engine/helper.ts': "import { tooLong } from './run.ts';\nexport const helper = () => tooLong;\n",
  'src/probes/sample.ts':
    "export type Sample = { at: number };\nexport const up = () => import('../engine/run.ts');\n",
  'src/hypothesis/judge.ts': [
    "import type { Sample } from '../probes/sample.ts';",
    "import { type Clock } from '../clock.ts';",
    "// import { tooLong } from '../engine/run.ts'; a comment is no import",
    'const text = "import { tooLong } from \'../engine/run.ts\'";',
    "export let last: import('../engine/helper.ts').Helper | Sample | undefined;",
  ].join('\n'),
  'src/clock.ts':
    "export type { Sample } from './probes/sample.ts';\nexport { type up } from './probes/sample.ts';\n",
  'src/extra/tool.ts': "import { helper } from '../engine/helper.ts';\nexport const tool = helper;\n",
};

test('the checks catch each kind of mistake, with file, line and layers', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-house-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const [file, text] of Object.entries(fixture)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  const found = checkHouse(dir);
  t.deepEqual(found.placeless, ['src/extra/tool.ts']);
  t.deepEqual(found.upward, [
    'src/clock.ts:1 imports (type) src/probes/sample.ts: clock.ts is below probes',
    'src/clock.ts:2 imports src/probes/sample.ts: clock.ts is below probes',
    'src/hypothesis/judge.ts:1 imports (type) src/probes/sample.ts: hypothesis is below probes',
    'src/hypothesis/judge.ts:5 imports (type) src/engine/helper.ts: hypothesis is below engine',
    'src/probes/sample.ts:2 imports (dynamic) src/engine/run.ts: probes is below engine',
  ]);
  t.deepEqual(found.cycles, ['src/engine/helper.ts -> src/engine/run.ts -> src/engine/helper.ts']);
  t.deepEqual(found.longEngineFunctions, [
    `src/engine/run.ts:2 tooLong has ${maxEngineFunctionLines + 1} lines`,
  ]);
  t.deepEqual(found.problems, []);
});

test('a layer order that names no real path, or no order at all, is refused', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-house-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'docs'));
  writeFileSync(join(dir, 'docs/architecture.md'), '# A house\n');
  t.throws(() => readLayers(dir), { message: /no "## Layers" heading/ });
  writeFileSync(join(dir, 'docs/architecture.md'), '## Layers\n```\nsrc/gone/ moved away\n```\n');
  t.throws(() => readLayers(dir), { message: 'docs/architecture.md:3: src/gone/ does not exist' });
  writeFileSync(join(dir, 'docs/architecture.md'), '## Layers\n```\nlib/ elsewhere\n```\n');
  t.throws(() => readLayers(dir), { message: /docs\/architecture\.md:3: expected a layer .* found "lib\/"/ });
});
