import type { Adoption, ProjectFacts, ProjectReader, Refusal } from '../engine/generator.js';
import type { Framework, WiringKey } from '../engine/wiring/types.js';
import type { Policy } from '../policy/index.js';
import type { TooOld } from './fit-versions.js';

/**
 * What `secure add` reads from a generator declaration (generators/*.ts, GeneratorDeclaration in
 * src/engine/generator.ts). Declared structurally here so that unit tests can pass small fakes.
 */
export interface PromptDeclaration {
  name: string;
  /** `--db`: answers the prompt without a terminal. */
  flag: string;
  message: string;
  /** A select prompt when present, a yes/no confirm otherwise. */
  choices?: readonly string[];
  default: string | boolean;
}

export interface WiringDeclaration {
  /** Relative to the source folder, without extension: `security/headers`. */
  module: string;
  imports: readonly string[];
  /** `app.use(securityHeaders());`: the receiver stands for the user's app (or `io`). */
  statement: string;
  position: 'before-routes' | 'after-routes';
  target?: 'app' | 'socket.io';
}

export interface TemplateContext {
  policy: Policy;
  framework: Framework;
  express: boolean;
  fastify: boolean;
  db: string;
  ws: string;
  redis: boolean;
  preset: string;
  appName: string;
  moduleSystem: 'esm' | 'cjs';
  versions: Readonly<Record<string, string>>;
  project?: ProjectFacts;
}

export interface AddableGenerator {
  name: string;
  description: string;
  /** Only the scaffolder renders it (`app`). */
  scaffoldOnly?: boolean;
  requires?: readonly string[];
  /** False when the project makes the module pointless (ws-auth without a WebSocket library). */
  when?: (context: any) => boolean;
  prompts?: readonly PromptDeclaration[];
  /** Package names; the versions come from the one pinned map. */
  dependencies?: (context: any) => readonly string[];
  devDependencies?: (context: any) => readonly string[];
  env?: (context: any) => readonly { name: string; description?: string }[];
  wiring?: Partial<Record<WiringKey, WiringDeclaration | readonly WiringDeclaration[]>>;
  /** The smallest edit of a project's own file where this generator would write one (GeneratorDeclaration). */
  adoptExisting?: (
    path: string,
    existing: string,
    context: any,
    project: ProjectReader,
  ) => Adoption | undefined;
  refuse?: (context: any, project: ProjectReader) => Refusal | undefined;
  nextSteps?: (context: any) => readonly string[];
}

/** The generators and their renderer: the real registry in production, small fakes in unit tests. */
export interface GeneratorSource {
  generators: readonly AddableGenerator[];
  /** The pinned version of every package, for this project (generators/versions.ts: versionsFor). */
  versionsFor(context: TemplateContext): Readonly<Record<string, string>>;
  /** Installed packages older than the generated code needs (generators/versions.ts: upgradesFor). */
  upgradesFor(context: TemplateContext): readonly TooOld[];
  /** Paths relative to the project root with `/`, content in memory; nothing written. */
  render(generator: AddableGenerator, context: TemplateContext, srcDir: string): Promise<Map<string, string>>;
}

export function wiringSteps(generator: AddableGenerator, key: WiringKey): readonly WiringDeclaration[] {
  const wiring = generator.wiring?.[key];
  if (!wiring) return [];
  return Array.isArray(wiring) ? (wiring as readonly WiringDeclaration[]) : [wiring as WiringDeclaration];
}
