import { execa } from 'execa';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { versions } from '../../generators/versions.js';

export type ProjectKind = 'express5-esm' | 'express4-cjs' | 'fastify5-esm' | 'express4-js';

/** A small existing app as users have them: one route, a start script, its own tsconfig; no security. */
const projects: Record<
  Exclude<ProjectKind, 'express4-js'>,
  { files: Record<string, string>; dependencies: Record<string, string> }
> = {
  'express5-esm': {
    dependencies: { express: versions.express },
    files: {
      'package.json': JSON.stringify({ name: 'shop-api', type: 'module' }),
      'tsconfig.json': JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          esModuleInterop: true,
          skipLibCheck: true,
          outDir: 'dist',
          rootDir: 'src',
          types: ['node'],
        },
        include: ['src'],
      }),
      'src/app.ts': `import express from 'express';

export const app = express();
app.use(express.json());

app.get('/hello', (_request, response) => {
  response.json({ hello: 'world' });
});
`,
      'src/server.ts': `import { app } from './app.js';

const port = Number(process.env.PORT ?? 3000);
app.listen(port, '127.0.0.1', () => {
  console.log(\`listening on \${port}\`);
});
`,
    },
  },
  'express4-cjs': {
    dependencies: { express: '4.21.2' },
    files: {
      'package.json': JSON.stringify({ name: 'legacy-api' }),
      'tsconfig.json': JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'commonjs',
          strict: true,
          esModuleInterop: true,
          skipLibCheck: true,
          outDir: 'dist',
          rootDir: 'src',
          types: ['node'],
        },
        include: ['src'],
      }),
      'src/index.ts': `import express = require('express');

const app = express();

app.get('/hello', function (req, res) {
  res.json({ hello: 'world' });
});

const port = Number(process.env.PORT || 3000);
app.listen(port, '127.0.0.1', function () {
  console.log('listening on ' + port);
});
`,
    },
  },
  'fastify5-esm': {
    dependencies: { fastify: versions.fastify },
    files: {
      'package.json': JSON.stringify({ name: 'catalog-api', type: 'module' }),
      'tsconfig.json': JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: true,
          outDir: 'dist',
          rootDir: 'src',
          types: ['node'],
        },
        include: ['src'],
      }),
      'src/server.ts': `import Fastify from 'fastify'

const server = Fastify()

server.get('/hello', async () => {
  return { hello: 'world' }
})

const port = Number(process.env.PORT ?? 3000)
server.listen({ port, host: '127.0.0.1' }).then(() => console.log(\`listening on \${port}\`))
`,
    },
  },
};

/** Legacy JavaScript, CommonJS, no TypeScript at all. */
const javascriptProject = {
  dependencies: { express: '4.21.2' },
  files: {
    'package.json': JSON.stringify({ name: 'legacy-js', main: 'src/server.js' }),
    'src/server.js': `const http = require('http');
const express = require('express');

const app = express();
app.get('/hello', (req, res) => res.json({ hello: 'world' }));

const server = http.createServer(app);
server.listen(process.env.PORT || 3000, '127.0.0.1');
`,
  },
};

const devDependencies = {
  typescript: versions.typescript,
  '@types/node': versions['@types/node'],
};

/** Writes the project into a new temp folder, as a git repository with one commit. */
export async function makeProject(kind: ProjectKind): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), `secure-add-${kind}-`));
  const { files, dependencies } = kind === 'express4-js' ? javascriptProject : projects[kind];
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const pkg = JSON.parse(files['package.json']);
  const typesExpress =
    kind === 'express4-cjs'
      ? { '@types/express': '4.17.23' }
      : kind === 'express5-esm'
        ? { '@types/express': versions['@types/express'] }
        : {};
  writeFileSync(
    join(root, 'package.json'),
    `${JSON.stringify(
      {
        ...pkg,
        version: '1.0.0',
        private: true,
        scripts:
          kind === 'express4-js'
            ? { start: 'node src/server.js' }
            : { build: 'tsc', start: `node dist/${kind === 'express4-cjs' ? 'index' : 'server'}.js` },
        dependencies,
        ...(kind === 'express4-js' ? {} : { devDependencies: { ...devDependencies, ...typesExpress } }),
      },
      null,
      2,
    )}\n`,
  );
  writeFileSync(join(root, '.gitignore'), 'node_modules\ndist\n');
  await git(root, 'init', '-q');
  await git(root, 'add', '-A');
  await git(root, 'commit', '-qm', 'the app before secure add');
  return root;
}

export function git(root: string, ...args: string[]) {
  return execa('git', args, {
    cwd: root,
    env: {
      GIT_AUTHOR_NAME: 'test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
    },
  });
}

export async function gitStatus(root: string): Promise<string> {
  return (await git(root, 'status', '--porcelain')).stdout;
}
