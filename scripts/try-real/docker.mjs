// Runs the docker module's edit of a project's own Dockerfile (and .dockerignore) on real projects at pinned
// commits, and the Dockerfile it would write for them otherwise; prints each diff for review. Not in CI:
// `npm run build && node scripts/try-real/docker.mjs`. The projects come from `fetch` (see export.mjs).
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { adoptDockerfile, adoptDockerignore } from '../../dist/generators/docker-adopt.js';
import { readDockerProject } from '../../dist/generators/docker.js';
import { renderGenerator } from '../../dist/src/engine/render.js';
import { versions } from '../../dist/generators/versions.js';
import { rulesPreset } from '../../dist/src/policy/index.js';
import { exportProject } from './export.mjs';

export const projects = [
  {
    name: 'express-rest-boilerplate',
    mirror: 'danielfsousa+express-rest-boilerplate',
    commit: 'b8bed6d7cfce3cf2ef89ec1b5e47b52dfc50e874',
    dockerfile: 'Dockerfile',
  },
  {
    name: 'kutt',
    mirror: 'thedevs-network+kutt',
    commit: 'fc832d7e7243d5472714e17abfe84b908901e1a7',
    dockerfile: 'Dockerfile',
  },
  {
    name: 'excalidraw-room',
    mirror: 'excalidraw+excalidraw-room',
    commit: '03ff435860b508d7cd9e005cfc90f7977ae2a593',
    dockerfile: 'Dockerfile',
  },
  {
    name: 'outline',
    mirror: 'outline+outline',
    commit: 'd77dcdf853868c5d5fe125c895c9b71f0eff5c68',
    dockerfile: 'Dockerfile',
  },
  {
    name: 'umami',
    mirror: 'umami-software+umami',
    commit: 'c0ea3aefbee7a3429ee2f824b06dc4a9dbe0b7e1',
    dockerfile: 'Dockerfile',
  },
  {
    name: 'uptime-kuma',
    mirror: 'louislam+uptime-kuma',
    commit: '6398a9581d1c3c427a7536559f47ccf45dac08b4',
    dockerfile: 'docker/dockerfile',
  },
  {
    name: 'hackathon-starter',
    mirror: 'sahat+hackathon-starter',
    commit: 'dbcac7a7b159bf6b8e93eb071a6f066c0b0ab6c8',
    dockerfile: undefined,
  },
];

const context = { policy: rulesPreset, moduleSystem: 'esm' };

for (const project of projects) {
  const root = exportProject(project);
  const reader = {
    read: (path) => (existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : undefined),
    isDirectory: (path) => existsSync(join(root, path)) && statSync(join(root, path)).isDirectory(),
  };
  console.log(`\n### ${project.name}`);
  const dockerfile = project.dockerfile && reader.read(project.dockerfile);
  if (dockerfile) {
    const adopted = adoptDockerfile(dockerfile, context, reader);
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
  } else {
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
    console.log(rendered.get('Dockerfile'));
  }
  rmSync(root, { recursive: true, force: true });
}
