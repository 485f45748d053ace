#!/usr/bin/env node
// Node caches compiled modules (and their stripped types) between runs: about a third of start-up.
import module from 'node:module';

module.enableCompileCache?.();
const { buildProgram } = await import('./program.ts');
await buildProgram().parseAsync(process.argv);
