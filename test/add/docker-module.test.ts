import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adoptDockerfile, adoptDockerignore } from '../../generators/docker-adopt.js';
import { readDockerProject } from '../../generators/docker.js';
import { renderGenerator } from '../../src/engine/render.js';
import { memoryOutput } from '../../src/cli/output.js';
import { runProgram } from '../../src/cli/run.js';
import { secureProgram } from '../../src/cli/secure-program.js';
import { rulesPreset } from '../../src/policy/index.js';
import { facts, moduleContext } from './module-context.js';
import { git, gitStatus, makeProject } from './projects.js';

const fixtures = join(import.meta.dirname, 'fixtures/docker');
const context = { policy: rulesPreset, moduleSystem: 'esm' as const };
/** A project with no code that writes to disk: the adoption must not read anything outside it. */
const emptyProject = mkdtempSync(join(tmpdir(), 'docker-adopt-'));
/** A project with a `data` folder, as apps with a SQLite file or uploads have. */
const withDataFolder = { root: emptyProject, isDirectory: (path: string) => path === 'data' };
const read = (name: string) => readFileSync(join(fixtures, name), 'utf8');

describe('an existing Dockerfile gets the smallest edit, never a replacement', () => {
  for (const input of readdirSync(fixtures).filter((name) => name.endsWith('.input.dockerfile'))) {
    it(`${input}: USER node before CMD, the app's folders owned by it, one EXPOSE; a second run changes nothing`, () => {
      const adopted = adoptDockerfile(read(input), context, withDataFolder);
      expect(adopted.text).toBe(read(input.replace('.input.', '.output.')));
      expect(adopted.notes.join('\n')).toMatch(/added USER node/);
      const again = adoptDockerfile(adopted.text, context, withDataFolder);
      expect(again.text).toBe(adopted.text);
    });
  }
  for (const name of readdirSync(fixtures).filter((file) => /\.(valid|unfixable)\.dockerfile$/.test(file))) {
    it(`${name}: left byte for byte, with the reason`, () => {
      const adopted = adoptDockerfile(read(name), context, withDataFolder);
      expect(adopted.text).toBe(read(name));
      expect(adopted.notes).toHaveLength(1);
      if (name.includes('other-base'))
        expect(adopted.notes[0]).toMatch(/runs as root, left as it is: .*useradd/);
      if (name.includes('two-ports')) expect(adopted.notes[0]).toMatch(/exposes 3000, 9229/);
      if (name.includes('privileged-port'))
        expect(adopted.notes[0]).toMatch(/listens on port 80, which a non-root user/);
    });
  }
  it('no EXPOSE and no port named in the Dockerfile: a note, no guessed port', () => {
    const adopted = adoptDockerfile('FROM node:22-alpine\nCOPY . .\nCMD ["node", "server.js"]\n', context, {
      root: emptyProject,
      isDirectory: () => false,
    });
    expect(adopted.text).toBe('FROM node:22-alpine\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n');
    expect(adopted.notes.join('\n')).toMatch(/no EXPOSE; add one/);
  });
  it("reads the project's own code, and only it, for where the app writes", () => {
    const root = mkdtempSync(join(tmpdir(), 'docker-adopt-writes-'));
    writeFileSync(
      join(root, 'server.js'),
      "const fs = require('fs');\nfs.writeFileSync(process.argv[2], 'x');\n",
    );
    const dockerfile = 'FROM node:22-alpine\nCOPY . .\nEXPOSE 3000\nCMD ["node", "server.js"]\n';
    const adopted = adoptDockerfile(dockerfile, context, { root, isDirectory: () => false });
    expect(adopted.text).toBe(dockerfile);
    expect(adopted.notes.join('\n')).toMatch(/\(server\.js:2: a path built at run time/);
  });
  it('.dockerignore: the project keeps its lines; .env, .git and node_modules are appended when missing', () => {
    expect(adoptDockerignore('dist\n.env*\n.git\nnode_modules/\n')).toEqual({
      text: 'dist\n.env*\n.git\nnode_modules/\n',
      notes: [],
    });
    expect(adoptDockerignore('coverage').text).toBe('coverage\n.env\n.git\nnode_modules\n');
  });
});

describe('a new Dockerfile for an existing project', () => {
  const render = (pkg: object, files: Record<string, string> = {}, dirs: string[] = []) => {
    const docker = readDockerProject({
      root: emptyProject,
      read: (path) => (path === 'package.json' ? JSON.stringify(pkg) : files[path]),
      isDirectory: (path) => dirs.includes(path),
    });
    return renderGenerator('docker', moduleContext('express', facts({ nodeMajor: 22, docker }))).get(
      'Dockerfile',
    )!;
  };
  it("runs the project's own start command and build, copying only what the project has", () => {
    const dockerfile = render(
      {
        main: 'dist/api/main.js',
        scripts: { build: 'tsc -p tsconfig.json', start: 'node dist/api/main.js' },
      },
      { 'package-lock.json': '{}' },
      ['uploads'],
    );
    expect(dockerfile).toContain('CMD ["node", "dist/api/main.js"]');
    // The same lines with or without a lockfile yet: the image takes npm ci whenever package-lock.json is there.
    expect(dockerfile).toContain('COPY package*.json ./');
    expect(dockerfile).toContain('RUN if [ -f package-lock.json ]; then npm ci; else npm install; fi\n');
    expect(dockerfile).toContain('RUN npm run build\n');
    expect(dockerfile).toContain('chown node:node /app/uploads');
    expect(dockerfile).not.toMatch(/tsconfig\.build\.json|HEALTHCHECK|dist\/server\.js/);
    expect(dockerfile.match(/^EXPOSE /gm)).toHaveLength(1);
    expect(dockerfile).toMatch(/^USER node$/m);
  });
  it('a JavaScript project without a build or a lockfile yet: npm install until one exists, no build step, its main file', () => {
    const dockerfile = render({ main: 'server.js', scripts: { start: 'nodemon server.js' } });
    expect(dockerfile).toContain('CMD ["node", "server.js"]');
    expect(dockerfile).toContain('COPY package*.json ./');
    expect(dockerfile).toContain('RUN if [ -f package-lock.json ]; then npm ci; else npm install; fi\n');
    expect(dockerfile).not.toContain('run build');
  });
  it('yarn with its lockfile, through corepack; an older Node target picks its own image line', () => {
    const docker = readDockerProject({
      root: emptyProject,
      read: (path) =>
        path === 'package.json'
          ? '{"scripts":{"start":"node index.js"}}'
          : path === 'yarn.lock'
            ? ''
            : undefined,
      isDirectory: () => false,
    });
    const dockerfile = renderGenerator(
      'docker',
      moduleContext('express', facts({ nodeMajor: 18, docker })),
    ).get('Dockerfile')!;
    expect(dockerfile).toContain('FROM node:18-bookworm-slim AS build');
    expect(dockerfile).toContain('RUN corepack enable');
    expect(dockerfile).toContain('RUN yarn install --frozen-lockfile');
  });
  it('a scaffolded app (no project facts) keeps its Dockerfile with the generated healthcheck', () => {
    expect(renderGenerator('docker', moduleContext('express')).get('Dockerfile')).toContain(
      'dist/healthcheck.js',
    );
  });
});

describe('secure add docker on a project with its own Dockerfile', () => {
  it('edits it once, exits 0, and a re-run changes nothing and exits 0', async () => {
    const root = await makeProject('express5-esm');
    mkdirSync(join(root, 'data'));
    writeFileSync(join(root, 'data/.keep'), '');
    writeFileSync(join(root, 'Dockerfile'), read('root-with-volume.input.dockerfile'));
    writeFileSync(join(root, '.dockerignore'), 'node_modules\n.env\n.git\n');
    await git(root, 'add', '-A');
    await git(root, 'commit', '-qm', 'their Dockerfile');
    const secure = async (args: string[]) => {
      const output = memoryOutput();
      const code = await runProgram(secureProgram(output, root), args, output);
      return { code, stdout: output.stdout.join('\n'), stderr: output.stderr.join('\n') };
    };
    const first = await secure(['add', 'docker', '--yes']);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).toBe(read('root-with-volume.output.dockerfile'));
    expect(readFileSync(join(root, '.dockerignore'), 'utf8')).toBe('node_modules\n.env\n.git\n');
    expect(first.stdout).toMatch(/added USER node/);
    await git(root, 'add', '-A');
    await git(root, 'commit', '-qm', 'secure add docker');
    const again = await secure(['add', 'docker', '--yes']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(await gitStatus(root)).toBe('');
  });
});

describe('secure add docker without a Dockerfile', () => {
  it('refuses a start script a Dockerfile cannot run (a shell chain needing dev tools), nothing written', async () => {
    const root = await makeProject('express5-esm');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    pkg.scripts.start = 'npm run scss && node app.js';
    writeFileSync(join(root, 'package.json'), JSON.stringify(pkg, null, 2));
    await git(root, 'commit', '-qam', 'a start script with a build step');
    const output = memoryOutput();
    const code = await runProgram(secureProgram(output, root), ['add', 'docker', '--yes'], output);
    expect(code).toBe(1);
    expect(output.stderr.join('\n')).toMatch(
      /docker: package.json's start script \(`npm run scss && node app.js`\) is not `node <file>`/,
    );
    expect(await gitStatus(root)).toBe('');
  });
});
