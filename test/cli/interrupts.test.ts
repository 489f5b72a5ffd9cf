import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBin } from '../helpers/cli.js';
import { runInTerminal } from './terminal.js';

const workspace = () => mkdtempSync(join(tmpdir(), 'csa-interrupt-'));

/** A stand-in `npm` first on PATH: answers --version, and stalls on install so that Ctrl-C lands in it. */
function stallingNpm(): string {
  const bin = mkdtempSync(join(tmpdir(), 'csa-fake-npm-'));
  writeFileSync(
    join(bin, 'npm'),
    '#!/bin/sh\nif [ "$1" = "--version" ]; then echo 10.0.0; exit 0; fi\necho "added 0 packages"\nexec sleep 60\n',
  );
  chmodSync(join(bin, 'npm'), 0o755);
  return bin;
}

describe('create-secure-app in a terminal', () => {
  it('Ctrl-C at a prompt exits 130 quietly and writes nothing', async () => {
    const cwd = workspace();
    const terminal = runInTerminal(['node', createBin, 'my-api'], { cwd });
    await terminal.waitFor(/Web framework/);
    terminal.type('\u0003');
    expect(await terminal.exitCode()).toBe(130);
    expect(terminal.text()).not.toMatch(/internal error|ExitPromptError|\bat .*\.js:\d+/);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('the folder prompt asks again for a name npm refuses, then takes a good one', async () => {
    const cwd = workspace();
    const terminal = runInTerminal(['node', createBin], { cwd });
    await terminal.waitFor(/Project folder/);
    terminal.type('My App\r');
    await terminal.waitFor(/cannot be a package name/);
    expect(terminal.text()).not.toMatch(/Web framework/);
    // Ctrl-U clears the line the prompt kept; the good name moves on to the next question.
    terminal.type('\u0015good-api\r');
    await terminal.waitFor(/Web framework/);
    terminal.type('\u0003');
    expect(await terminal.exitCode()).toBe(130);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('Ctrl-C during the install removes the folder this run created and exits 130', async () => {
    const cwd = workspace();
    const terminal = runInTerminal(['node', createBin, 'my-api', '--yes', '-p', 'npm'], {
      cwd,
      env: { PATH: `${stallingNpm()}:${process.env.PATH}` },
    });
    await terminal.waitFor(/added 0 packages/);
    expect(existsSync(join(cwd, 'my-api', '.env'))).toBe(true);
    terminal.type('\u0003');
    expect(await terminal.exitCode()).toBe(130);
    expect(terminal.text()).toMatch(
      /Interrupted during npm install: removed .*my-api, which this run created; git init did not run/,
    );
    expect(terminal.text()).not.toMatch(/internal error/);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('Ctrl-C during the install never removes a folder that existed before', async () => {
    const cwd = workspace();
    mkdirSync(join(cwd, 'mine'));
    writeFileSync(join(cwd, 'mine', 'notes.txt'), 'keep me');
    const terminal = runInTerminal(['node', createBin, 'mine', '--yes', '--force', '-p', 'npm'], {
      cwd,
      env: { PATH: `${stallingNpm()}:${process.env.PATH}` },
    });
    await terminal.waitFor(/added 0 packages/);
    terminal.type('\u0003');
    expect(await terminal.exitCode()).toBe(130);
    expect(terminal.text()).toMatch(/which existed before and is kept/);
    expect(readdirSync(join(cwd, 'mine'))).toContain('notes.txt');
  });
});
