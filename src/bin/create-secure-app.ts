#!/usr/bin/env node
import { createOutput } from '../cli/output.js';
import { runProgram } from '../cli/run.js';
import { createProgram } from '../cli/create-program.js';
import { exitWhenFlushed, ignoreClosedPipes, interruptSignal } from './exit.js';

ignoreClosedPipes();
const output = createOutput({ stdout: process.stdout, stderr: process.stderr, env: process.env });
const code = await runProgram(
  createProgram(output, { signal: interruptSignal() }),
  process.argv.slice(2),
  output,
);
await exitWhenFlushed(code);
