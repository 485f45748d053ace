// `faultline report JOURNAL --format md|html|junit [--out FILE]`, run as a user runs it.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ExitCode } from '../../../src/exit-codes.ts';
import { runFaultline } from '../../helpers/faultline-process.ts';
import { projectRoot } from '../../helpers/sandbox-env.ts';
import { parseXml } from './xml-check.ts';

const fixture = `${projectRoot}test/fixtures/journals/deviated-fragile-latency.json`;
const scratch = () => mkdtempSync(join(tmpdir(), 'faultline-report-'));

test('md to stdout', async (t) => {
  const result = await runFaultline(['report', fixture, '--format', 'md']);
  t.is(result.exitCode, 0, result.stderr);
  t.regex(result.stdout, /^# Experiment report: fragile-slow-catalog\n/);
  t.regex(result.stdout, /## What went wrong/);
});

test('html to a file, with the path on stderr', async (t) => {
  const out = join(scratch(), 'nested', 'report.html');
  const result = await runFaultline(['report', fixture, '--format', 'html', '--out', out]);
  t.is(result.exitCode, 0, result.stderr);
  t.is(result.stdout, '');
  t.regex(result.stderr, /html report: .*nested\/report\.html/);
  const html = readFileSync(out, 'utf8');
  t.regex(html, /^<!doctype html>/);
  t.regex(html, /<svg class="chart"/);
});

test('junit parses', async (t) => {
  const result = await runFaultline(['report', fixture, '--format', 'junit']);
  t.is(result.exitCode, 0, result.stderr);
  t.is(parseXml(result.stdout).attributes.failures, '1');
});

test('a file that is not JSON is invalid input', async (t) => {
  const file = join(scratch(), 'journal.json');
  writeFileSync(file, '{"journalVersion": 1,');
  const result = await runFaultline(['report', file, '--format', 'md']);
  t.is(result.exitCode, ExitCode.invalidInput);
  t.regex(result.stderr, /journal\.json: not a Faultline journal:\n {2}- not JSON: /);
  t.is(result.stdout, '');
});

test('JSON that is not a journal is invalid input, each problem listed', async (t) => {
  const file = join(scratch(), 'journal.json');
  const journal = JSON.parse(readFileSync(fixture, 'utf8'));
  journal.journalVersion = 7;
  delete journal.runId;
  journal.samples[3].outcome = 'fine';
  writeFileSync(file, JSON.stringify(journal));
  const result = await runFaultline(['report', file, '--format', 'html']);
  t.is(result.exitCode, ExitCode.invalidInput);
  t.regex(result.stderr, /journal\.journalVersion: expected 1 \(this Faultline reads version 1\), found 7/);
  t.regex(result.stderr, /journal\.runId: expected a string, found nothing/);
  t.regex(
    result.stderr,
    /journal\.samples\[3\]\.outcome: expected one of ok, out-of-tolerance, .*found "fine"/,
  );
});

test('a missing file and an unknown format are invalid input', async (t) => {
  const missing = await runFaultline(['report', join(scratch(), 'nope.json'), '--format', 'md']);
  t.is(missing.exitCode, ExitCode.invalidInput);
  t.regex(missing.stderr, /nope\.json: cannot read the journal: ENOENT/);
  const format = await runFaultline(['report', fixture, '--format', 'pdf']);
  t.is(format.exitCode, ExitCode.invalidInput);
  t.regex(format.stderr, /expected one of md, html, junit; found "pdf"/);
  const noFormat = await runFaultline(['report', fixture]);
  t.is(noFormat.exitCode, ExitCode.invalidInput);
});
