// Writes schema/experiment.schema.json and schema/schedule.schema.json, the JSON Schemas shipped in
// the package for editors (`# yaml-language-server: $schema=...`), from ExperimentSchema in
// src/experiment/schema.ts and ScheduleSchema in src/experiment/schedule-schema.ts.
// Run: node scripts/generate-schema.ts. A unit test fails when a committed file drifts.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TSchema } from '@sinclair/typebox';
import { ScheduleSchema } from '../src/experiment/schedule-schema.ts';
import { ExperimentSchema } from '../src/experiment/schema.ts';

export const experimentSchemaFile = new URL('../schema/experiment.schema.json', import.meta.url);
export const scheduleSchemaFile = new URL('../schema/schedule.schema.json', import.meta.url);

// The custom keywords, spelt out for editors: x-one-of as a standard oneOf of required keys,
// x-expected as the message VS Code's JSON service shows when a pattern fails.
function forEditors(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(forEditors);
  if (typeof node !== 'object' || node === null) return node;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) result[key] = forEditors(value);
  if (Array.isArray(result['x-one-of']))
    result.oneOf = result['x-one-of'].map((key) => ({ required: [key] }));
  if (typeof result.pattern === 'string' && typeof result['x-expected'] === 'string') {
    result.patternErrorMessage = `expected ${result['x-expected']}`;
  }
  return result;
}

// JSON.stringify drops TypeBox's symbol keys.
function renderSchema(typeBoxSchema: TSchema): string {
  const schema = JSON.parse(JSON.stringify(typeBoxSchema)) as Record<string, unknown>;
  const document = { $schema: 'http://json-schema.org/draft-07/schema#', ...(forEditors(schema) as object) };
  return `${JSON.stringify(document, null, 2)}\n`;
}

export const renderExperimentSchema = (): string => renderSchema(ExperimentSchema);
export const renderScheduleSchema = (): string => renderSchema(ScheduleSchema);

// The committed file is in Biome's JSON style, so that `biome check .` stays clean.
export function formatWithBiome(json: string): string {
  const biome = fileURLToPath(new URL('../node_modules/.bin/biome', import.meta.url));
  const stdinPath = fileURLToPath(experimentSchemaFile);
  return execFileSync(biome, ['format', `--stdin-file-path=${stdinPath}`], { input: json, encoding: 'utf8' });
}

if (import.meta.main) {
  for (const [file, render] of [
    [experimentSchemaFile, renderExperimentSchema],
    [scheduleSchemaFile, renderScheduleSchema],
  ] as const) {
    writeFileSync(file, formatWithBiome(render()));
    console.log(`wrote ${file.pathname}`);
  }
}
