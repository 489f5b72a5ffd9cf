#!/usr/bin/env node
import { createOutput } from '../cli/output.js';
import { runProgram } from '../cli/run.js';
import { secureProgram } from '../cli/secure-program.js';
import { exitWhenFlushed, ignoreClosedPipes } from './exit.js';

ignoreClosedPipes();
const output = createOutput({ stdout: process.stdout, stderr: process.stderr, env: process.env });
const code = await runProgram(secureProgram(output), process.argv.slice(2), output);
await exitWhenFlushed(code);
