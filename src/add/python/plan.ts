import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pythonVersions } from '../../../generators/fastapi-app.js';
import { packageVersion } from '../../cli/package-info.js';
import { manifestPath, type Manifest } from '../../engine/manifest.js';
import { renderTemplateFile } from '../../engine/render.js';
import { SecureError } from '../../errors.js';
import { loadPolicy, type Policy } from '../../policy/index.js';
import { contentHash, readManifest, serializeManifest } from '../manifest-store.js';
import { rootEnvExampleFiles } from '../project-files.js';
import type { AddPlan, Conflict, FileChange } from '../plan.js';
import { unifiedDiff } from '../plan.js';
import {
  existingMiddleware,
  existingMiddlewareSpecs,
  type ExistingMiddleware,
} from './existing-middleware.js';
import { addToEnvExample, addToPyproject, addToRequirements, wireEntry, type Requirement } from './edit.js';
import { pythonSyntaxError } from './parse.js';
import { detectFastApiProject, existingAnswer, variablesInCode } from './project.js';

/** The modules `secure add` wires into a FastAPI app; `config` (the settings they read) comes with each. */
export const fastApiModules = ['config', 'cors', 'headers', 'trusted-host', 'rate-limit'] as const;
type FastApiModule = (typeof fastApiModules)[number];

export interface PythonPlanOptions {
  entry?: string;
  force?: boolean;
  policy?: Policy;
}

const scaffoldCore = 'fastapi/common/app/core';

/** Which file each module renders, from which template: the scaffolded app's own modules where they fit. */
const moduleFiles: Record<FastApiModule, { file: string; template: string }[]> = {
  config: [
    { file: 'settings.py', template: 'fastapi-add/security/settings.py.hbs' },
    { file: 'policy.py', template: `${scaffoldCore}/policy.py.hbs` },
  ],
  cors: [],
  'trusted-host': [],
  headers: [{ file: 'middleware.py', template: `${scaffoldCore}/middleware.py.hbs` }],
  'rate-limit': [{ file: 'rate_limit.py', template: `${scaffoldCore}/rate_limit.py.hbs` }],
};

const environment: Record<FastApiModule, { name: string; description: string; example: string }[]> = {
  config: [
    {
      name: 'ENVIRONMENT',
      description:
        'development, test or production (local and dev read as development, staging and prod as production)',
      example: 'development',
    },
  ],
  cors: [
    {
      name: 'CORS_ORIGINS',
      description: 'comma-separated exact origins allowed to call the API from a browser (never *)',
      example: 'http://localhost:5173',
    },
  ],
  'trusted-host': [
    {
      name: 'ALLOWED_HOSTS',
      description: 'comma-separated host names this API answers to (others get 400)',
      example: 'localhost,127.0.0.1',
    },
  ],
  headers: [],
  'rate-limit': [
    { name: 'TRUST_PROXY', description: 'proxy hops in front of the app (0 = none)', example: '0' },
    {
      name: 'RATE_LIMIT_STORAGE_URI',
      description: 'memory:// for one process, redis://host:6379 to share the counters between replicas',
      example: 'memory://',
    },
  ],
};

/** The modules an earlier `secure add` put in the package, read from its __init__.py. */
function installedModules(initText: string | undefined): FastApiModule[] {
  if (!initText) return [];
  const markers: [FastApiModule, string][] = [
    ['cors', 'CORSMiddleware'],
    ['trusted-host', 'TrustedHostMiddleware'],
    ['headers', 'SecurityHeadersMiddleware'],
    ['rate-limit', 'RateLimitMiddleware'],
  ];
  return markers
    .filter(([, marker]) => initText.includes(`import ${marker}`) || initText.includes(`, ${marker}`))
    .map(([module]) => module);
}

function pythonCompiles(files: readonly FileChange[]): string | undefined {
  const python = spawnSync('python3', ['--version'], { stdio: 'ignore' });
  if (python.status !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'secure-pycompile-'));
  try {
    for (const [index, change] of files.entries()) {
      const file = join(dir, `${index}.py`);
      writeFileSync(file, change.after);
      const result = spawnSync('python3', ['-m', 'py_compile', file], { encoding: 'utf8' });
      if (result.status !== 0) {
        const line = /line (\d+)/.exec(result.stderr)?.[1];
        return `${change.path}${line ? `:${line}` : ''}: the change would not compile (python3 -m py_compile)`;
      }
    }
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every changed Python file parses (and compiles, where python3 is installed), or nothing is written. */
function verifyPython(changes: readonly FileChange[]): void {
  const python = changes.filter((change) => change.path.endsWith('.py'));
  for (const change of python) {
    const line = pythonSyntaxError(change.after);
    if (line !== undefined)
      throw new SecureError(
        'REFUSED',
        `${change.path}:${line}: the change would not parse; secure add wrote nothing`,
        {
          hint: 'Run `secure add --dry-run` to see the change, and report the problem to create-secure-app.',
        },
      );
  }
  const problem = pythonCompiles(python);
  if (problem)
    throw new SecureError('REFUSED', `${problem}; secure add wrote nothing`, {
      hint: 'Run `secure add --dry-run` to see the change, and report the problem to create-secure-app.',
    });
}

/** The modules for a FastAPI app, planned in memory: the security package, the entry's two lines, dependencies. */
export function planFastApiModules(
  root: string,
  names: readonly string[],
  options: PythonPlanOptions = {},
): AddPlan {
  if (names.length === 0)
    throw new SecureError('USAGE', 'name at least one module to add', {
      hint: `For a FastAPI app: ${fastApiModules.join(', ')}.`,
    });
  const project = detectFastApiProject(root, options.entry);
  const policy = options.policy ?? loadPolicy(root);
  const refused: AddPlan['refused'] = [];
  const notes: string[] = [];
  const requested: FastApiModule[] = [];
  // Handles: app.add_middleware(CORSMiddleware, allow_origins=["*"]) in the entry, rewritten in place.
  const inPlace = new Map<FastApiModule, Extract<ExistingMiddleware, { kind: 'reconfigure' }>>();
  for (const name of new Set(names)) {
    if (!(fastApiModules as readonly string[]).includes(name)) {
      refused.push({
        generator: name,
        reason: `not available for FastAPI yet (secure add wires ${fastApiModules.join(', ')} into FastAPI apps; the scaffolder's --framework fastapi has the rest)`,
      });
      continue;
    }
    if (name === 'cors' || name === 'trusted-host') {
      const existing = existingMiddleware(root, name, project.entry, project.packageDir);
      const what = existingMiddlewareSpecs[name].name;
      if (existing.kind === 'keep')
        refused.push({
          generator: name,
          reason: `the app has its own (${existing.where}: ${what}): keep yours`,
        });
      else if (existing.kind === 'refuse')
        refused.push({ generator: name, reason: `${existing.where}: ${existing.reason}` });
      else {
        if (existing.kind === 'reconfigure') inPlace.set(name, existing);
        requested.push(name);
      }
      continue;
    }
    const answer = name === 'config' ? undefined : existingAnswer(root, name, project.packageDir);
    if (answer) refused.push({ generator: name, reason: `the app has its own (${answer}): keep yours` });
    else requested.push(name as FastApiModule);
  }

  const read = (path: string) =>
    existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : undefined;
  const initPath = `${project.packageDir}/__init__.py`;
  const previous = installedModules(read(initPath));
  for (const { generator, reason } of refused) notes.push(`not added: ${generator}: ${reason}`);
  const modules = [...new Set<FastApiModule>(['config', ...previous, ...requested])];
  if (requested.length === 0)
    return { project, generators: [], changes: [], upToDate: [], conflicts: [], refused, notes };

  const context = {
    policy,
    redis: false,
    modules: {
      cors: modules.includes('cors') && !inPlace.has('cors'),
      trustedHost: modules.includes('trusted-host') && !inPlace.has('trusted-host'),
      headers: modules.includes('headers'),
      rateLimit: modules.includes('rate-limit'),
    },
  };
  const rendered = new Map<string, { generator: string; text: string }>();
  for (const module of modules)
    for (const { file, template } of moduleFiles[module])
      rendered.set(`${project.packageDir}/${file}`, {
        generator: module,
        text: renderTemplateFile(template, context),
      });
  rendered.set(initPath, {
    generator: 'config',
    text: renderTemplateFile('fastapi-add/security/__init__.py.hbs', context),
  });

  const manifest: Manifest = structuredClone(readManifest(root));
  const recorded = readManifest(root);
  const changes: FileChange[] = [];
  const conflicts: Conflict[] = [];
  const propose = (path: string, after: string) => {
    const before = read(path);
    if (before !== after) changes.push({ path, ...(before === undefined ? {} : { before }), after });
  };
  for (const [path, { generator, text }] of rendered) {
    const onDisk = read(path);
    const entry = recorded.files[path];
    const ours = onDisk === undefined || (entry !== undefined && entry.hash === contentHash(onDisk));
    if (!ours && !options.force && onDisk !== text) {
      conflicts.push({
        path,
        generator,
        reason: entry ? 'edited' : 'theirs',
        diff: unifiedDiff(path, onDisk, text),
      });
      continue;
    }
    propose(path, text);
    manifest.files[path] = { generator, version: packageVersion, hash: contentHash(text) };
  }

  let entryText = read(project.entry)!;
  let importLine = project.importLine;
  // Later offsets first, so the earlier ones still hold.
  for (const [module, use] of [...inPlace].sort(([, a], [, b]) => b.start - a.start)) {
    const spec = existingMiddlewareSpecs[module as keyof typeof existingMiddlewareSpecs];
    entryText = entryText.slice(0, use.start) + spec.fromSettings + entryText.slice(use.end);
    notes.push(
      `${use.file}:${use.line}: ${spec.name} let everything through; ${spec.list} now reads ${spec.variable} (checked at start)`,
    );
  }
  if (inPlace.size > 0) {
    const withSettings = importLine.replace(
      / import install_security$/,
      ' import get_security_settings, install_security',
    );
    // An entry wired by an earlier run imports install_security alone: that line gains the settings.
    entryText = entryText.replace(importLine, withSettings);
    importLine = withSettings;
  }
  propose(project.entry, wireEntry(entryText, importLine));

  // The settings are plain Python (no pydantic-settings): only the rate limiter needs a package.
  const requirements: Requirement[] = modules.includes('rate-limit')
    ? [{ name: 'limits', version: pythonVersions.limits }]
    : [];
  const requirementsText = read('requirements.txt');
  const pyproject = read('pyproject.toml');
  const withPyproject = pyproject === undefined ? undefined : addToPyproject(pyproject, requirements);
  if (requirements.length > 0 && requirementsText !== undefined)
    propose('requirements.txt', addToRequirements(requirementsText, requirements));
  else if (requirements.length > 0 && withPyproject !== undefined) propose('pyproject.toml', withPyproject);
  else if (requirements.length > 0)
    notes.push(
      `add ${requirements.map(({ name, version }) => `${name}==${version}`).join(' and ')} to the project's dependencies (no requirements.txt, and pyproject.toml lists none)`,
    );
  const variables = modules.flatMap((module) => environment[module]);
  // A variable the app's own settings already read (ENVIRONMENT=local) keeps the app's value: an example
  // with ours would break the app's own validation when copied into .env.
  const theirs = variablesInCode(
    root,
    variables.map(({ name }) => name),
    project.packageDir,
  );
  const envFiles = rootEnvExampleFiles(root);
  for (const envFile of envFiles)
    propose(
      envFile,
      addToEnvExample(
        read(envFile),
        variables.filter(({ name }) => !theirs.has(name)),
      ),
    );

  const recordedText = read(manifestPath);
  const manifestText = serializeManifest(manifest, recorded);
  if (changes.length > 0 && manifestText !== recordedText) propose(manifestPath, manifestText);
  verifyPython(changes);

  const upToDate = changes.length === 0 && conflicts.length === 0 ? requested : [];
  if (changes.length > 0)
    notes.push(
      `${project.entry}: install_security(${project.appName}) runs once the app and its own middleware are set up (so it is the outermost); set the variables in ${envFiles.join(' or ')} (production refuses wildcard or http:// origins)`,
    );
  return {
    project,
    generators: changes.length > 0 ? requested : [],
    changes,
    upToDate,
    conflicts,
    refused,
    notes,
    envFiles,
  };
}
