import type { Policy, PresetName } from '../policy/index.js';
import type { DockerProject } from './module-facts.js';

/**
 * A generator is data (plop style): what it asks, which templates it renders where, what it adds
 * to package.json and .env.example, and how it is wired into an app entry. The scaffolder and
 * `secure add` both run these declarations; the templates live once under templates/<generator>/.
 */
export interface GeneratorDeclaration {
  /** The slug: `secure add <name>` and the folder under templates/. */
  name: string;
  /** One line for `secure add --list`. */
  description: string;
  /** Only the scaffolder renders it (the `app` generator); `secure add` does not offer it. */
  scaffoldOnly?: boolean;
  /** False when the answers make this generator pointless (ws-auth with `--ws none`); it is then skipped. */
  when?: (context: TemplateContext) => boolean;
  /** Generators whose files this one imports; rendered along with it. */
  requires?: readonly string[];
  /** Questions, each answerable by a flag; shared by the scaffolder and `secure add`. */
  prompts?: readonly GeneratorPrompt[];
  /** Package names; versions come from generators/versions.ts. */
  dependencies?: (context: TemplateContext) => readonly string[];
  devDependencies?: (context: TemplateContext) => readonly string[];
  /** Variables the rendered code reads, for .env.example (names only, never a value). */
  env?: (context: TemplateContext) => readonly EnvVariable[];
  /** How `secure add` wires the module into an existing app entry, per framework (`nest`: NestJS on Express). */
  wiring?: Partial<Record<Framework | 'nest', WiringStep>>;
  /**
   * For a file the project already has where this generator would write one (its own Dockerfile): the smallest
   * edit that makes it hold the rules, or the same text, with notes saying what was done or why not. Without
   * it (or when it returns undefined), the project's own file is a conflict.
   */
  adoptExisting?: (
    path: string,
    existing: string,
    context: TemplateContext,
    project: ProjectReader,
  ) => Adoption | undefined;
  /** Why this module must not be added to this project (it has its own answer to the concern), or undefined. */
  refuse?: (context: TemplateContext, project: ProjectReader) => Refusal | undefined;
  /** What the user does next once the files are written (printed by `secure add`), e.g. how to mount auth. */
  nextSteps?: (context: TemplateContext) => readonly string[];
}

export interface Refusal {
  /** One line: what the project already has. */
  reason: string;
  /** What to do instead. */
  hint: string;
}

/** A project's own file after `secure add`: the edited (or same) text, and what was done or why not. */
export interface Adoption {
  text: string;
  notes: string[];
}

/** What a generator may read of the project: file contents (undefined when absent), whether a folder exists. */
export interface ProjectReader {
  /** The project's folder on disk: what a rule that reads the project's code (where it writes) starts from. */
  root: string;
  read(path: string): string | undefined;
  isDirectory(path: string): boolean;
}

export type Framework = 'express' | 'fastify';
/** What the scaffolder can create: the Node frameworks `secure add` also wires, and FastAPI (Python). */
export type AppFramework = Framework | 'fastapi';
export type Database = 'sqlite' | 'postgres';
export type WebSocketLibrary = 'socket.io' | 'ws' | 'none';
export type ModuleSystem = 'esm' | 'cjs';

export interface GeneratorPrompt {
  /** The answer's key in TemplateContext. */
  name: keyof Answers;
  /** The command-line flag that answers it without a prompt, e.g. `--framework`. */
  flag: string;
  message: string;
  /** A select prompt when present, a yes/no confirm otherwise. */
  choices?: readonly string[];
  default: string | boolean;
}

export interface EnvVariable {
  name: string;
  /** One line, written as a comment above the name in .env.example. */
  description: string;
  /** A generated secret: written to .env (mode 0600) but never to .env.example or the terminal. */
  secret?: boolean;
  /** A non-secret value for the developer's .env (e.g. `http://localhost:5173`). */
  example?: string;
}

/** What `secure add` inserts into an app entry: one import and one statement, each only when absent. */
export interface WiringStep {
  /** Module path relative to the source folder, without extension (e.g. `security/cors`). */
  module: string;
  /** Named imports from that module. */
  imports: readonly string[];
  /** The registration statement, e.g. `app.use(corsMiddleware(settings));`. */
  statement: string;
  /** Where it goes relative to the routes. */
  position: 'before-routes' | 'after-routes';
}

/** The answers a user gives (flags or prompts). */
export interface Answers {
  framework: AppFramework;
  db: Database;
  ws: WebSocketLibrary;
  redis: boolean;
  preset: PresetName;
}

/** Everything a template can read. */
export interface TemplateContext extends Answers {
  policy: Policy;
  express: boolean;
  fastify: boolean;
  appName: string;
  moduleSystem: ModuleSystem;
  /** Pinned versions of every generated dependency (generators/versions.ts). */
  versions: Readonly<Record<string, string>>;
  /** What `secure add` learned about the existing project; absent when the scaffolder renders a new app. */
  project?: ProjectFacts;
}

/**
 * The facts of an existing project that decide what its generated modules may use: templates render for the
 * installed majors and the lowest Node the project targets, never for our own pins.
 */
export interface ProjectFacts {
  expressMajor?: 4 | 5;
  fastifyMajor?: 4 | 5;
  /** The lowest Node major the project runs on (engines, @types/node, Dockerfile FROM, .nvmrc). */
  nodeMajor: number;
  language: 'ts' | 'js';
  /** Server-rendered pages: a view engine, a static folder or res.render. */
  html: boolean;
  /** A NestJS app on Express: templates/<generator>/nest/ files replace the Express ones of the same path. */
  nest?: boolean;
  /** The NestJS app sets up @nestjs/throttler with `ThrottlerModule.forRoot`: rate-limit reconfigures it in place. */
  nestThrottler?: boolean;
  /** The HTTP methods the app's routes use, upper case. */
  routeMethods: readonly string[];
  /** The database connection variable the app reads (MONGODB_URI, DATABASE_URL), if any. */
  databaseVariable?: string;
  /**
   * The app's own CORS allowlist variable (APP_CORS_ORIGINS), read by the config instead of CORS_ORIGINS once
   * `secure add cors` replaced the app's CORS with it (src/add/cors-variable.ts).
   */
  corsVariable?: string;
  /**
   * create-secure-app made this project (its manifest records the scaffold's own files): its modules render as
   * the scaffolder rendered them, the database read through DATABASE_URL in the settings.
   */
  scaffolded?: boolean;
  /** Installed versions of the packages a module meets (helmet, cors, express-rate-limit, @fastify/*, bcryptjs). */
  installed: Readonly<Record<string, string>>;
  /** How it installs, builds and starts, for a new Dockerfile (generators/docker.ts: readDockerProject). */
  docker?: DockerProject;
}
