// The JSON Schema shipped for editors is generated from src/experiment/schema.ts: no drift.
import { readFileSync } from 'node:fs';
import test from 'ava';
import { parse } from 'yaml';
import {
  experimentSchemaFile,
  formatWithBiome,
  renderExperimentSchema,
} from '../../../scripts/generate-schema.ts';
import { validateSchema } from '../../../src/experiment/validate-schema.ts';
import { projectRoot } from '../../helpers/sandbox-env.ts';

const committed = readFileSync(experimentSchemaFile, 'utf8');
const published = JSON.parse(committed) as Record<string, unknown>;

test('schema/experiment.schema.json is what scripts/generate-schema.ts writes (run it after changing schema.ts)', (t) => {
  t.deepEqual(published, JSON.parse(renderExperimentSchema()));
  t.is(committed, formatWithBiome(renderExperimentSchema()));
});

test('the published schema is draft-07 with an id, and spells x-one-of as oneOf for editors', (t) => {
  t.is(published.$schema, 'http://json-schema.org/draft-07/schema#');
  t.is(published.$id, 'https://faultline.dev/schemas/v1alpha1/experiment.json');
  const text = JSON.stringify(published);
  t.false(text.includes('"[Kind]"'), 'no TypeBox symbols');
  t.true(text.includes('{"required":["podKill"]}'));
  t.true(text.includes('"patternErrorMessage":"expected a duration such as 500ms, 30s, 2m or 1h"'));
});

test('the published schema accepts the shipped examples', (t) => {
  for (const name of ['storefront-survives-slow-catalog', 'catalog-partition', 'checkout-pod-kill']) {
    const file = `${projectRoot}experiments/${name}.yaml`;
    const text = readFileSync(file, 'utf8');
    t.true(text.startsWith('# yaml-language-server: $schema=../schema/experiment.schema.json\n'), name);
    t.deepEqual(validateSchema(published, parse(text)), [], name);
  }
});
