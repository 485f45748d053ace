// `faultline recover` as a user runs it, on a ledger with lines it cannot use: one line each on
// stderr (FILE:LINE: why), nothing retried, and exit 5 when an open entry cannot be reverted.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ExitCode } from '../../../src/exit-codes.ts';
import { deadRunOpenLine, newerUndo } from '../../helpers/ledger-lines.ts';
import { runProcess } from '../../helpers/run-process.ts';
import { projectRoot } from '../../helpers/sandbox-env.ts';

test('recover prints each ledger line it cannot use with file:line, and exits 5 for an entry it cannot revert', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'faultline-recover-cli-')), 'ledger.jsonl');
  writeFileSync(file, `null\n${deadRunOpenLine('r9/scale/0', newerUndo)}\n`);
  const started = Date.now();
  const result = await runProcess(
    process.execPath,
    [`${projectRoot}cli/faultline.ts`, 'recover', '--ledger', file, '--no-nodes', '--timeout', '60s'],
    { env: { ...process.env, TOXIPROXY_URL: '' } },
  );
  t.is(result.exitCode, ExitCode.revertFailed, result.stderr);
  t.deepEqual(result.stderr.trim().split('\n'), [
    `ledger: ${file}:1: not a ledger entry: null`,
    `ledger: ${file}:2: open entry r9/scale/0: unknown undo kind "deployment-scaled" (known: toxic, proxy-created, proxy-disabled, node-cordoned, pod-deleted, workload-restarted, scaled, command-running, command-revert; written by a newer Faultline?): not reverted; recover it with that version, which closes it`,
  ]);
  t.is(result.stdout, '', 'not "nothing to recover": an entry may be in place');
  // Were the unknown entry retried, recover would take its 60 s timeout.
  t.true(Date.now() - started < 45_000, `took ${Date.now() - started} ms`);
});
