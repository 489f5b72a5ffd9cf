import type { GeneratorDeclaration, ProjectReader } from '../src/engine/generator.js';
import type { DockerProject } from '../src/engine/module-facts.js';
import { adoptDockerfile, adoptDockerignore, conventionalWritableDirs } from './docker-adopt.js';

export const docker: GeneratorDeclaration = {
  name: 'docker',
  description:
    'multi-stage Dockerfile: pinned base, production dependencies only, USER node, one EXPOSE; your own Dockerfile gets the smallest edit',
  // A new Dockerfile runs `node <file>` with no shell and no dev tools: a start script that needs them is refused.
  refuse: (_context, project) => {
    if (project.read('Dockerfile') !== undefined || readDockerProject(project).start[0] === 'node')
      return undefined;
    const pkg = JSON.parse(project.read('package.json') ?? '{}') as { scripts?: Record<string, string> };
    const script = pkg.scripts?.start;
    return {
      reason: `${script ? `package.json's start script (\`${script}\`) is not \`node <file>\`` : 'package.json has no start script'} and its main names no JavaScript file, so a Dockerfile could not start the app without a shell and its dev tools; none was written`,
      hint: 'Make "start" run `node <file>` (build assets in "build"), then run `secure add docker` again.',
    };
  },
  adoptExisting: (path, existing, context, project) => {
    if (path === 'Dockerfile') return adoptDockerfile(existing, context, project);
    if (path === '.dockerignore') return adoptDockerignore(existing);
    return undefined;
  },
};

const lockfiles = [
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
  ['yarn.lock', 'yarn'],
  ['pnpm-lock.yaml', 'pnpm'],
] as const;

/** A start script an image can run without a shell: `node [flags] file [args]`, nothing for a shell to expand. */
function execForm(script: string | undefined): string[] | undefined {
  if (!script) return undefined;
  // `NODE_ENV=production node dist/main.js`: the image sets NODE_ENV=production itself.
  const words = script
    .trim()
    .replace(/^NODE_ENV=production\s+/, '')
    .split(/\s+/);
  if (words[0] !== 'node' || words.length < 2) return undefined;
  if (words.some((word) => /[$&|;<>`'"*?()=]/.test(word) && !/^--[\w-]+=[\w./-]+$/.test(word)))
    return undefined;
  return words;
}

/**
 * How the project installs, builds and starts (package.json scripts and main, its lockfile), for the
 * Dockerfile `secure add docker` writes when the project has none.
 */
export function readDockerProject(project: ProjectReader): DockerProject {
  const pkg = JSON.parse(project.read('package.json') ?? '{}') as {
    main?: string;
    scripts?: Record<string, string>;
  };
  const [lockfile, packageManager] = lockfiles.find(([file]) => project.read(file) !== undefined) ?? [
    undefined,
    'npm',
  ];
  const main = pkg.main && /\.c?m?js$/.test(pkg.main) ? ['node', pkg.main.replace(/^\.\//, '')] : undefined;
  return {
    packageManager,
    lockfile,
    build: Boolean(pkg.scripts?.build),
    start: execForm(pkg.scripts?.start) ?? main ?? [packageManager, 'start'],
    writableDirs: conventionalWritableDirs.filter((dir) => project.isDirectory(dir)),
  };
}
