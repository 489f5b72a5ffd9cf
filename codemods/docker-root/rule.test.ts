import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rulesPreset } from '../../src/policy/index.js';
import { runRule } from '../../test/helpers/rule-fixtures.js';
import rule from './rule.js';

const project = { root: '/virtual-project', policy: rulesPreset, moduleSystem: 'esm' as const };

/** The unfixable fixtures only promise "reported"; these say every situation in them is reported, once. */
describe('docker-root reports every situation of its unfixable fixtures', () => {
  it.each([
    // at the final stage's FROM, where a reviewer looks for the image that runs
    ['other-base-image.unfixable.dockerfile', 'Dockerfile', [1]],
    ['user-zero.unfixable.dockerfile', 'deploy/api.Dockerfile', [5]],
    ['nginx-final-stage.unfixable.dockerfile', 'Dockerfile', [7]],
    ['service-without-cmd.unfixable.dockerfile', 'Dockerfile-api', [2]],
  ])('%s', (fixture, relativePath, lines) => {
    const text = readFileSync(join(import.meta.dirname, 'fixtures', fixture), 'utf8');
    const result = runRule(rule, text, relativePath, project);
    expect(result.findings.map((finding) => finding.line)).toEqual(lines);
    expect(result.findings.every((finding) => finding.message.length > 0 && !finding.fixable)).toBe(true);
  });
});

describe('docker-root gives the user the folders the app writes', () => {
  const dockerfile = [
    'FROM node:22-slim',
    'WORKDIR /app',
    'COPY . .',
    'RUN npm ci',
    'CMD ["node", "server.js"]',
    '',
  ];
  const projectWith = (files: Record<string, string>) => {
    const root = mkdtempSync(join(tmpdir(), 'docker-root-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return { ...project, root };
  };

  it('creates and hands over upload and log folders before USER', () => {
    const app = projectWith({
      'server.js': "const upload = multer({ dest: 'uploads/' });\n",
      'src/log.js': "module.exports = new winston.transports.File({ filename: 'logs/error.log' });\n",
      'test/upload.test.js': "fs.writeFileSync(tmpName, 'x');\n",
    });
    const result = runRule(rule, dockerfile.join('\n'), 'Dockerfile', app);
    expect(result.output.split('\n').slice(4, 6)).toEqual([
      'RUN mkdir -p logs uploads && chown -R node:node logs uploads',
      'USER node',
    ]);
  });

  it('reports, without a fix, an app that writes where the code cannot tell', () => {
    const app = projectWith({ 'routes/files.js': 'fs.writeFile(req.body.name, data, done);\n' });
    const [finding] = runRule(rule, dockerfile.join('\n'), 'Dockerfile', app).findings;
    expect(finding.fixable).toBe(false);
    expect(finding.unfixableReason).toContain('routes/files.js:1: a path built at run time');
  });

  it('reports a SQLite file next to the code: the app folder itself would have to be writable', () => {
    const app = projectWith({ 'db.js': "const db = new sqlite3.Database('./app.db');\n" });
    const [finding] = runRule(rule, dockerfile.join('\n'), 'Dockerfile', app).findings;
    expect(finding.fixable).toBe(false);
    expect(finding.unfixableReason).toContain("writes into the app's own folder (./app.db)");
  });
});

describe('docker-root: folders the image makes for the app', () => {
  it('hands a folder made with RUN mkdir (outside the working directory) to the user', () => {
    const text = [
      'FROM node:18.13.0',
      'RUN mkdir /usr/src/goof',
      'RUN mkdir /tmp/extracted_files',
      'COPY . /usr/src/goof',
      'WORKDIR /usr/src/goof',
      'RUN npm install',
      'ENTRYPOINT ["npm", "start"]',
      '',
    ].join('\n');
    const output = runRule(rule, text, 'Dockerfile', project).output.split('\n');
    expect(output.slice(6, 8)).toEqual([
      'RUN mkdir -p /tmp/extracted_files && chown -R node:node /tmp/extracted_files',
      'USER node',
    ]);
  });
});

describe('docker-root: a start command that writes into the working directory', () => {
  const devImage = [
    'FROM node:20-bookworm-slim',
    'WORKDIR /usr/src/app',
    'COPY package.json package-lock.json ./',
    'RUN npm install',
    'COPY . .',
    'CMD ["npm", "run", "start:dev"]',
    '',
  ].join('\n');
  const projectWith = (scripts: Record<string, string>) => {
    const root = mkdtempSync(join(tmpdir(), 'docker-root-start-'));
    writeFileSync(join(root, 'package.json'), JSON.stringify({ scripts }));
    return { ...project, root };
  };

  // monstar-lab-oss/nestjs-starter-rest-api's development Dockerfile: `nest start` compiles into dist/ first
  it('reports, without a fix, a start script that compiles (nest start --watch)', () => {
    const app = projectWith({ 'start:dev': 'nest start --watch', 'start:prod': 'node dist/main' });
    const result = runRule(rule, devImage, 'Dockerfile', app);
    expect(result.output).toBe(devImage);
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0].fixable).toBe(false);
    expect(result.findings[0].unfixableReason).toContain('script start:dev runs `nest start`');
  });

  it('follows a pre hook and the script it runs (prestart: npm run build, build: tsc)', () => {
    const app = projectWith({ prestart: 'npm run build', build: 'tsc -p .', start: 'node dist/index.js' });
    const text = devImage.replace('["npm", "run", "start:dev"]', 'npm start');
    const [finding] = runRule(rule, text, 'Dockerfile', app).findings;
    expect(finding.unfixableReason).toContain('script build runs `tsc`');
  });

  it('still adds USER node when the start script only runs the built code', () => {
    const app = projectWith({ 'start:dev': 'node dist/main', build: 'nest build' });
    const output = runRule(rule, devImage, 'Dockerfile', app).output.split('\n');
    expect(output.slice(5, 7)).toEqual(['USER node', 'CMD ["npm", "run", "start:dev"]']);
  });
});
