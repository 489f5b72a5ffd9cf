import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { ts } from 'ts-morph';
import { SecureError } from '../errors.js';
import type { Policy } from '../policy/index.js';
import { generateSecret } from '../scaffold/env-files.js';
import type { AddPlan } from './plan.js';
import { startCommand, type StartCommand } from './verify-start-command.js';
import { makeTrialCopy } from './verify-start-copy.js';
import { routeToProbe, type PathAlias } from './verify-start-routes.js';
import {
  firstErrorLine,
  freePort,
  get,
  runScript,
  stopApp,
  waitForListening,
  type RunningApp,
} from './verify-start-run.js';

/**
 * `secure add --verify=start`: after the static checks, the app is started from a temporary copy holding the
 * staged changes, with the variables the next steps name, and one of its routes is asked for over HTTP. Only
 * an app that listens, answers without a 5xx and (when the headers module is added) with the policy's headers
 * lets the add write. The project itself is never touched by the trial.
 */

export interface VerifyStartOptions {
  policy: Policy;
  /** Waiting for the app to listen (and for a build before it): a slow start is named, not waited out. */
  timeoutMs?: number;
  /** The environment the app inherits (tests pass their own); the trial adds the new variables and PORT. */
  env?: NodeJS.ProcessEnv;
}

export interface StartVerified {
  command: string;
  route: string;
  status: number;
  /** Packages the change adds that were installed for the trial only. */
  installed: string[];
}

const defaultTimeoutMs = 30_000;

/** `NAME=value` lines of the project's .env: values the app already gets, and secrets to keep out of messages. */
function dotEnvValues(root: string): Map<string, string> {
  const values = new Map<string, string>();
  const path = join(root, '.env');
  if (!existsSync(path)) return values;
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][\w]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match) values.set(match[1], match[2].replace(/^(['"])(.*)\1$/, '$2'));
  }
  return values;
}

/** The variables the modules read that neither the environment nor .env sets, with development values. */
function trialEnv(plan: AddPlan, root: string, base: NodeJS.ProcessEnv, port: number) {
  const dotEnv = dotEnvValues(root);
  const env: NodeJS.ProcessEnv = { ...base };
  const secrets = [...dotEnv.values()];
  for (const variable of plan.env ?? []) {
    if (base[variable.name] !== undefined || dotEnv.has(variable.name)) continue;
    if (variable.secret) {
      env[variable.name] = generateSecret();
      secrets.push(env[variable.name]!);
    } else if (variable.example !== undefined) env[variable.name] = variable.example;
  }
  for (const [name, value] of Object.entries(base))
    if (value && /secret|password|token|key|credential/i.test(name)) secrets.push(value);
  env.PORT = String(port);
  return { env, secrets: secrets.filter((value) => value.length >= 6) };
}

function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((line, secret) => line.split(secret).join('[redacted]'), text);
}

/** Source files to read routes from: the entry first, then the source folder (not node_modules), a bounded walk. */
function sourceFiles(dir: string, entry: string, srcDir: string): string[] {
  const files = [entry];
  const walk = (folder: string) => {
    for (const name of readdirSync(join(dir, folder)).sort()) {
      if (files.length > 200 || name === 'node_modules' || name.startsWith('.')) continue;
      const path = folder === '.' ? name : `${folder}/${name}`;
      const full = join(dir, path);
      if (statSync(full).isDirectory()) {
        if (!['test', 'tests', '__tests__', 'dist', 'build', 'public', 'views'].includes(name)) walk(path);
      } else if (/\.[cm]?[jt]s$/.test(name) && !/\.(test|spec|d)\.[cm]?[jt]s$/.test(name) && path !== entry)
        files.push(path);
    }
  };
  if (existsSync(join(dir, srcDir))) walk(srcDir);
  return files;
}

/** tsconfig.json's `paths` (`"@/*": ["src/*"]`), relative to the project root; none without a tsconfig. */
function pathAliases(dir: string): PathAlias[] {
  const path = join(dir, 'tsconfig.json');
  if (!existsSync(path)) return [];
  const options = (
    ts.readConfigFile(path, ts.sys.readFile).config as
      | { compilerOptions?: { baseUrl?: string; paths?: Record<string, string[]> } }
      | undefined
  )?.compilerOptions;
  const baseUrl = options?.baseUrl ?? '.';
  return Object.entries(options?.paths ?? {}).map(([pattern, targets]) => ({
    pattern,
    targets: targets.map((target) => posix.normalize(posix.join(baseUrl, target))),
  }));
}

function headerProblem(answer: { headers: Record<string, unknown> }, policy: Policy): string | undefined {
  const expected: [string, string][] = [
    ['x-content-type-options', policy.headers.contentTypeOptions],
    ['x-frame-options', policy.headers.frameOptions],
    ['referrer-policy', policy.headers.referrerPolicy],
  ];
  for (const [name, value] of expected)
    if (String(answer.headers[name] ?? '').toLowerCase() !== value.toLowerCase())
      return `it answered without ${name}: ${value} (got ${String(answer.headers[name] ?? 'none')})`;
  return undefined;
}

/** Runs the build (when start needs one) and the app; the reason it failed, or the running app. */
async function start(
  dir: string,
  command: StartCommand,
  env: NodeJS.ProcessEnv,
  port: number,
  timeoutMs: number,
): Promise<{ app: RunningApp; host: string } | { problem: string; stderr: string }> {
  if (command.build) {
    const build = runScript(dir, command.build, env);
    for (let waited = 0; build.exited() === undefined && waited < timeoutMs * 2; waited += 200)
      await new Promise((resolve) => setTimeout(resolve, 200));
    if (build.exited() !== 'exit 0') {
      await stopApp(build);
      return {
        problem: `the build (${command.build}) failed (${build.exited() ?? 'timed out'})`,
        stderr: build.stderr(),
      };
    }
  }
  const app = runScript(dir, command.start, env);
  const host = await waitForListening(app, port, timeoutMs);
  if (host !== undefined) return { app, host };
  const exited = app.exited();
  await stopApp(app);
  return {
    problem: exited
      ? `${command.label}: the app stopped (${exited}) before listening`
      : `${command.label}: the app did not listen on port ${port} within ${timeoutMs / 1000} s (PORT=${port} was set: does it read PORT?)`,
    stderr: app.stderr(),
  };
}

export async function verifyByStarting(
  root: string,
  plan: AddPlan,
  options: VerifyStartOptions,
): Promise<StartVerified> {
  const modules = plan.generators.join(', ');
  const fail = (reason: string, hint?: string) =>
    new SecureError('REFUSED', `--verify=start: ${modules} not added: ${reason}; secure add wrote nothing`, {
      hint:
        hint ?? 'Run `secure add --dry-run` to see the change, or leave --verify=start out to add it anyway.',
    });
  if (!('framework' in plan.project) || plan.project.otherFramework)
    throw fail('it starts Express and Fastify apps only', 'Leave --verify=start out for this project.');
  const project = plan.project;
  if (!existsSync(join(root, 'node_modules')))
    throw fail('the project has no node_modules', 'Install its dependencies first (npm install).');
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const command = startCommand(root, project.entry);
  if (!command)
    throw fail(
      'no way to start the app was found (no start or dev script, and no tsx or ts-node for a TypeScript entry)',
      'Add a start script to package.json, or leave --verify=start out.',
    );
  let copy;
  try {
    copy = await makeTrialCopy(root, plan.changes, { timeoutMs: timeoutMs * 4 });
  } catch (error) {
    throw fail(
      `the trial copy could not be made (${firstErrorLine((error as { stderr?: string }).stderr ?? '') ?? (error as Error).message})`,
    );
  }
  // A run ended by Ctrl-C (the CLI exits) leaves no copy behind.
  process.once('exit', copy.remove);
  const port = await freePort();
  const { env, secrets } = trialEnv(plan, root, options.env ?? process.env, port);
  const failWith = (problem: string, stderr: string) => {
    const line = firstErrorLine(stderr.split(copy.dir).join(root));
    return fail(redact(line ? `${problem}: ${line}` : problem, secrets));
  };
  try {
    const started = await start(copy.dir, command, env, port, timeoutMs);
    if ('problem' in started) throw failWith(started.problem, started.stderr);
    const { app, host } = started;
    try {
      const files = new Map(
        sourceFiles(copy.dir, project.entry, project.srcDir).map((file) => [
          file,
          readFileSync(join(copy.dir, file), 'utf8'),
        ]),
      );
      const route = routeToProbe(files, project.entry, {
        nest: project.nest !== undefined,
        aliases: pathAliases(copy.dir),
      });
      let answer;
      try {
        answer = await get(host, port, route, timeoutMs);
      } catch (error) {
        throw failWith(`GET ${route} got no answer (${(error as Error).message})`, app.stderr());
      }
      if (answer.status >= 500) throw failWith(`GET ${route} answered ${answer.status}`, app.stderr());
      const headersAdded =
        plan.generators.includes('headers') && !plan.refused.some((each) => each.generator === 'headers');
      const missing = headersAdded ? headerProblem(answer, options.policy) : undefined;
      if (missing) throw fail(`GET ${route}: ${missing}`);
      return { command: command.label, route, status: answer.status, installed: copy.installed };
    } finally {
      await stopApp(app);
    }
  } finally {
    process.removeListener('exit', copy.remove);
    copy.remove();
  }
}
