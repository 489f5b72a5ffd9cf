import { join, posix } from 'node:path';
import ignore from 'ignore';
import dockerRoot from '../codemods/docker-root/rule.js';
import { finalStageChain, parseDockerfile, type Instruction } from '../codemods/_shared/docker/dockerfile.js';
import type { Adoption, ProjectReader, TemplateContext } from '../src/engine/generator.js';
import type { TextReport } from '../src/engine/rule.js';

/** Folders apps conventionally write to at run time; only those present in the project are made writable. */
export const conventionalWritableDirs = ['data', 'uploads', 'logs', 'tmp'];

function lastOf(instructions: Instruction[], keyword: string): Instruction | undefined {
  return instructions.filter((instruction) => instruction.keyword === keyword).at(-1);
}

/** `VOLUME ["/app/data"]` or `VOLUME /app/data /app/logs`. */
function volumePaths(instruction: Instruction): string[] {
  const args = instruction.args.trim();
  if (args.startsWith('[')) {
    try {
      return (JSON.parse(args) as unknown[]).filter((path): path is string => typeof path === 'string');
    } catch {
      return [];
    }
  }
  return args.split(/\s+/);
}

/**
 * Folders a RUN creates (`mkdir -p /var/lib/app data`): the image prepares them because the app writes there.
 * A WORKDIR made in advance (`RUN mkdir /app` then `WORKDIR /app`) holds the code, not the app's data.
 */
function createdFolders(instructions: Instruction[]): string[] {
  const workdirs = new Set<string>();
  for (let workdir = '/', index = 0; index < instructions.length; index++)
    if (instructions[index].keyword === 'WORKDIR')
      workdirs.add((workdir = posix.resolve(workdir, instructions[index].args.trim())));
  const folders: string[] = [];
  let workdir = '/';
  for (const instruction of instructions) {
    if (instruction.keyword === 'WORKDIR') workdir = posix.resolve(workdir, instruction.args.trim());
    if (instruction.keyword !== 'RUN') continue;
    for (const command of instruction.args.matchAll(/\bmkdir\s+([^&|;]+)/g))
      for (const word of command[1].trim().split(/\s+/))
        if (!word.startsWith('-') && !/[$`*]/.test(word)) folders.push(posix.resolve(workdir, word));
  }
  return folders.filter((folder) => !workdirs.has(folder));
}

/** `ENV PORT=8080` or `ENV PORT 8080`: the port the app is told to listen on, when the Dockerfile says. */
function portFromEnv(instructions: Instruction[]): string | undefined {
  for (const instruction of instructions.filter((candidate) => candidate.keyword === 'ENV').reverse()) {
    const match = /(?:^|\s)PORT(?:=|\s+)"?(\d{2,5})"?(?:\s|$)/.exec(instruction.args);
    if (match) return match[1];
  }
  return undefined;
}

/**
 * The project's own Dockerfile is never replaced. Made to hold the rules with the smallest edit: the docker-root
 * fix (`USER node` before CMD, as `secure fix` does) preceded by the ownership of the folders the app writes,
 * and one EXPOSE when the Dockerfile names its port. Everything else is a note, the file left as it is; a
 * second run finds nothing to do.
 */
export function adoptDockerfile(
  existing: string,
  context: Pick<TemplateContext, 'policy' | 'moduleSystem'>,
  project: Pick<ProjectReader, 'root' | 'isDirectory'>,
): Adoption {
  const file = parseDockerfile(existing);
  const chain = finalStageChain(file);
  if (chain.length === 0) return { text: existing, notes: ['Dockerfile: no FROM line; left as it is'] };
  const stageInstructions = chain.flatMap((stage) => stage.instructions).sort((a, b) => a.start - b.start);
  const final = chain[0];
  const start = final.instructions.find(
    (instruction) => instruction.keyword === 'CMD' || instruction.keyword === 'ENTRYPOINT',
  );
  const notes: string[] = [];
  const inserted: string[] = [];

  const ports = stageInstructions
    .filter((instruction) => instruction.keyword === 'EXPOSE')
    .flatMap((instruction) => instruction.args.trim().split(/\s+/));
  // Below 1024 only root may listen, unless the runtime lowers the limit (Docker 20.10 does, Kubernetes does not).
  const privileged = ports.filter((port) => Number.parseInt(port, 10) < 1024);

  const reports: TextReport[] = [];
  dockerRoot.check({
    file: join(project.root, 'Dockerfile'),
    text: existing,
    policy: context.policy,
    project: { root: project.root, policy: context.policy, moduleSystem: context.moduleSystem },
    report: (report) => reports.push(report),
  });
  const runsAsRoot = reports[0];
  if (runsAsRoot && privileged.length > 0) {
    notes.push(
      `Dockerfile: runs as root, left as it is: the app listens on port ${privileged.join(', ')}, which a non-root user may not bind everywhere (Kubernetes); move it above 1023, then \`secure fix --rule docker-root\``,
    );
  } else if (runsAsRoot?.fix) {
    const user = context.policy.docker.user;
    const workdir = lastOf(stageInstructions, 'WORKDIR')?.args.trim() ?? '/';
    const writable = [
      ...stageInstructions.filter((instruction) => instruction.keyword === 'VOLUME').flatMap(volumePaths),
      ...createdFolders(stageInstructions),
      ...conventionalWritableDirs
        .filter((dir) => project.isDirectory(dir))
        .map((dir) => `${workdir.replace(/\/$/, '')}/${dir}`),
    ].filter((path, index, all) => path.startsWith('/') && all.indexOf(path) === index);
    if (writable.length > 0)
      inserted.push(`RUN mkdir -p ${writable.join(' ')} && chown ${user}:${user} ${writable.join(' ')}`);
    inserted.push(`USER ${user}`);
    notes.push(
      `Dockerfile: added USER ${user} before ${start?.keyword ?? 'CMD'} (it ran as root)${writable.length > 0 ? `, with ${writable.join(', ')} owned by ${user}` : ''}; check that the app writes nowhere else`,
    );
  } else if (runsAsRoot) {
    notes.push(
      `Dockerfile: runs as root, left as it is: ${runsAsRoot.unfixableReason ?? runsAsRoot.message}`,
    );
  }

  // A final stage without a command of its own (an export or artifact stage) serves nothing: no port to judge.
  if (start && ports.length === 0) {
    const port = portFromEnv([
      ...file.instructions.filter((instruction) => instruction.stage === -1),
      ...stageInstructions,
    ]);
    if (port && start) {
      inserted.push(`EXPOSE ${port}`);
      notes.push(`Dockerfile: added EXPOSE ${port} (its ENV PORT)`);
    } else notes.push('Dockerfile: no EXPOSE; add one with the port the app listens on');
  } else if (start && ports.length > context.policy.docker.maxExposedPorts) {
    notes.push(
      `Dockerfile: exposes ${ports.join(', ')}; the policy allows ${context.policy.docker.maxExposedPorts}: remove the ports the app does not serve`,
    );
  }

  if (!start && !runsAsRoot) {
    notes.push(`Dockerfile: its final stage (FROM ${final.base}) starts no app; left as it is`);
    return { text: existing, notes };
  }
  if (inserted.length === 0 || !start) {
    if (notes.length === 0)
      notes.push('Dockerfile: yours already runs as a non-root user with one EXPOSE; left as it is');
    return { text: existing, notes };
  }
  const indentation = existing.slice(start.lineStart, start.start);
  const lines = inserted.map((line) => `${indentation}${line}${file.eol}`).join('');
  return { text: existing.slice(0, start.lineStart) + lines + existing.slice(start.lineStart), notes };
}

/** What the build context must never carry into an image: secrets, history, the host's modules. */
const neverInImage = ['.env', '.git', 'node_modules'];

/** The project's own .dockerignore keeps its lines; the entries it misses are appended. */
export function adoptDockerignore(existing: string): Adoption {
  const ignored = ignore().add(existing);
  const missing = neverInImage.filter((path) => !ignored.ignores(path) && !ignored.ignores(`${path}/`));
  if (missing.length === 0) return { text: existing, notes: [] };
  const eol = existing.includes('\r\n') ? '\r\n' : '\n';
  const separator = existing === '' || existing.endsWith('\n') ? '' : eol;
  return {
    text: `${existing}${separator}${missing.join(eol)}${eol}`,
    notes: [`.dockerignore: added ${missing.join(', ')} (never part of an image)`],
  };
}
