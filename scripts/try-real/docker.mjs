// Runs the docker module's edit of a project's own Dockerfile (and .dockerignore) on real projects at pinned
// commits, and the Dockerfile it would write for them otherwise; prints each diff for review. Not in CI:
// `npm run build && node scripts/try-real/docker.mjs`. The projects come from `fetch` (see export.mjs).
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { adoptDockerfile, adoptDockerignore } from '../../dist/generators/docker-adopt.js';
import { readDockerProject } from '../../dist/generators/docker.js';
import { findGenerator } from '../../dist/generators/index.js';
import { renderGenerator } from '../../dist/src/engine/render.js';
import { versions } from '../../dist/generators/versions.js';
import { rulesPreset } from '../../dist/src/policy/index.js';
import { exportProject } from './export.mjs';

export const projects = [
  {
    name: 'express-rest-boilerplate',
    // Reviewed by hand: what the module must say (and do) for this project.
    expected: /added USER node before CMD \(it ran as root\);/,
    mirror: 'danielfsousa+express-rest-boilerplate',
    commit: 'b8bed6d7cfce3cf2ef89ec1b5e47b52dfc50e874',
    dockerfile: 'Dockerfile',
  },
  {
    name: 'kutt',
    // Reviewed by hand: what the module must say (and do) for this project.
    expected: /added USER node .*with \/var\/lib\/kutt owned by node/,
    mirror: 'thedevs-network+kutt',
    commit: 'fc832d7e7243d5472714e17abfe84b908901e1a7',
    dockerfile: 'Dockerfile',
  },
  {
    name: 'excalidraw-room',
    // Reviewed by hand: what the module must say (and do) for this project.
    expected: /listens on port 80/,
    mirror: 'excalidraw+excalidraw-room',
    commit: '03ff435860b508d7cd9e005cfc90f7977ae2a593',
    dockerfile: 'Dockerfile',
  },
  {
    name: 'outline',
    // Reviewed by hand: what the module must say (and do) for this project.
    expected: /already runs as a non-root user/,
    mirror: 'outline+outline',
    commit: 'd77dcdf853868c5d5fe125c895c9b71f0eff5c68',
    dockerfile: 'Dockerfile',
  },
  {
    name: 'umami',
    // Reviewed by hand: what the module must say (and do) for this project.
    expected: /already runs as a non-root user/,
    mirror: 'umami-software+umami',
    commit: 'c0ea3aefbee7a3429ee2f824b06dc4a9dbe0b7e1',
    dockerfile: 'Dockerfile',
  },
  {
    name: 'uptime-kuma',
    // Reviewed by hand: what the module must say (and do) for this project.
    expected: /starts no app/,
    mirror: 'louislam+uptime-kuma',
    commit: '6398a9581d1c3c427a7536559f47ccf45dac08b4',
    dockerfile: 'docker/dockerfile',
  },
  {
    name: 'hackathon-starter',
    // Reviewed by hand: what the module must say (and do) for this project.
    expected: /start script \(`npm run scss && node app.js`\) is not `node <file>`/,
    mirror: 'sahat+hackathon-starter',
    commit: 'dbcac7a7b159bf6b8e93eb071a6f066c0b0ab6c8',
    dockerfile: undefined,
  },
];

const context = { policy: rulesPreset, moduleSystem: 'esm' };
const mismatches = [];

for (const project of projects) {
  const root = exportProject(project);
  const reader = {
    root,
    read: (path) => (existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : undefined),
    isDirectory: (path) => existsSync(join(root, path)) && statSync(join(root, path)).isDirectory(),
  };
  console.log(`\n### ${project.name}`);
  const notes = [];
  const dockerfile = project.dockerfile && reader.read(project.dockerfile);
  if (dockerfile) {
    const adopted = adoptDockerfile(dockerfile, context, reader);
    notes.push(...adopted.notes);
    for (const note of adopted.notes) console.log(`note: ${note}`);
    if (adopted.text !== dockerfile)
      console.log(createTwoFilesPatch(project.dockerfile, project.dockerfile, dockerfile, adopted.text));
    const again = adoptDockerfile(adopted.text, context, reader);
    console.log(`second run changes nothing: ${again.text === adopted.text}`);
    const ignore = reader.read('.dockerignore');
    if (ignore !== undefined) {
      const ignored = adoptDockerignore(ignore);
      for (const note of ignored.notes) console.log(`note: ${note}`);
    }
  } else if (!reader.read('Dockerfile')) {
    const refusal = findGenerator('docker').refuse(context, reader);
    if (refusal) console.log(`refused: ${refusal.reason}`);
    if (refusal) notes.push(refusal.reason);
    const docker = readDockerProject(reader);
    const facts = { nodeMajor: 20, language: 'js', html: false, routeMethods: [], installed: {}, docker };
    const rendered = renderGenerator('docker', {
      ...context,
      framework: 'express',
      express: true,
      fastify: false,
      db: 'sqlite',
      ws: 'none',
      redis: false,
      preset: 'rules',
      appName: project.name,
      versions,
      project: facts,
    });
    if (!refusal) console.log(rendered.get('Dockerfile'));
  }
  const matches = notes.some((note) => project.expected.test(note));
  if (!matches) mismatches.push(project.name);
  console.log(
    matches ? 'as reviewed' : `NOT as reviewed: expected ${project.expected}, got ${notes.join(' | ')}`,
  );
  rmSync(root, { recursive: true, force: true });
}
console.log(`\n${projects.length - mismatches.length}/${projects.length} projects as reviewed`);
if (mismatches.length > 0) process.exitCode = 1;
