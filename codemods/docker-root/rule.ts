import { dirname, relative, sep } from 'node:path';
import type { TextRule } from '../../src/engine/rule.js';
import {
  expandGlobalArgs,
  finalStageChain,
  imageRepository,
  isDockerfilePath,
  parseDockerfile,
  type Instruction,
  type Stage,
} from '../_shared/docker/dockerfile.js';
import { startCommandWrites } from './start-writes.js';
import { writeSites } from './writes.js';

/** The user the official node images create (uid 1000); other images need one made with useradd. */
const NODE_IMAGE_USER = 'node';

/** Bases that already run as a non-root user unless told otherwise. */
const nonRootBase =
  /(^|\/)distroless\/[^:]+:(.*-)?nonroot\b|^cgr\.dev\/chainguard\/|(^|\/)bitnami\/|unprivileged|rootless/i;

/** The official node image: `node`, `library/node`, `docker.io/library/node`, a mirror's `.../library/node`. */
function isOfficialNodeImage(image: string): boolean {
  const { path, name } = imageRepository(image);
  if (name !== 'node') return false;
  const namespace = path.split('/').slice(0, -1);
  return namespace.length === 0 || namespace[namespace.length - 1] === 'library' || path === 'docker.io/node';
}

/**
 * Web servers whose official images start as root (nginx's master process, httpd, Caddy): a final stage on
 * one is a service even without a CMD of its own, since the image's own CMD starts the server.
 */
function isWebServerImage(image: string): boolean {
  return /^(?:nginx|httpd|caddy|openresty)$/.test(imageRepository(image).name);
}

type UserState = { kind: 'root'; at?: Instruction } | { kind: 'non-root' } | { kind: 'unknown' };

function userOf(instruction: Instruction): UserState {
  const user = instruction.args.trim().split(/\s+/)[0]?.split(':')[0] ?? '';
  if (user.includes('$')) return { kind: 'unknown' };
  if (user === 'root' || user === '0') return { kind: 'root', at: instruction };
  return { kind: 'non-root' };
}

/** The user the final stage runs as: its last USER, else its parent stage's, else the base image's. */
function effectiveUser(chain: Stage[], base: string): UserState {
  for (const stage of chain) {
    const users = stage.instructions.filter((instruction) => instruction.keyword === 'USER');
    if (users.length > 0) return userOf(users[users.length - 1]);
  }
  if (base.includes('$') && !isOfficialNodeImage(base)) return { kind: 'unknown' };
  if (nonRootBase.test(base) || base.toLowerCase() === 'scratch') return { kind: 'unknown' };
  return { kind: 'root' };
}

/**
 * Folders the image makes for the app outside its code (`RUN mkdir /tmp/extracted_files`): root owns them
 * with mode 755, so the app, which writes there, needs them handed over too. The working directory and its
 * parents hold the code and stay root's.
 */
function foldersMadeForTheApp(chain: Stage[]): string[] {
  const instructions = [...chain].reverse().flatMap((stage) => stage.instructions);
  const workdirs = instructions
    .filter((instruction) => instruction.keyword === 'WORKDIR')
    .map((instruction) => instruction.args.trim().replace(/\/+$/, ''));
  const made: string[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword !== 'RUN') continue;
    for (const match of instruction.args.matchAll(/\bmkdir\s+((?:[^&;|\s]+\s*)+)/g))
      for (const path of match[1].trim().split(/\s+/)) {
        const folder = path.replace(/\/+$/, '');
        if (path.startsWith('-') || folder.includes('$') || !folder) continue;
        if (workdirs.some((workdir) => workdir === folder || workdir.startsWith(`${folder}/`))) continue;
        made.push(folder);
      }
  }
  return made;
}

/**
 * The folders the app writes (relative to its working directory), which `USER node` must own, or why
 * they cannot be told: a path built at run time, the app's own folder (a SQLite file next to the code),
 * or a Dockerfile outside the project root (its working directory is not the code's root).
 */
function writableFolders(
  root: string,
  dockerfile: string,
  chain: Stage[],
): { folders: string[] } | { reason: string } {
  const sites = writeSites(root);
  const made = foldersMadeForTheApp(chain);
  if (sites.length === 0) return { folders: made };
  const unknown = sites.filter((site) => !site.folder);
  const nested = relative(root, dirname(dockerfile)).split(sep).join('/');
  const blocker =
    unknown[0] ??
    (nested && nested !== '.'
      ? { ...sites[0], problem: 'the Dockerfile is not at the project root' }
      : undefined);
  if (blocker) {
    const more = sites.length > 1 ? ` and ${sites.length - 1} other write${sites.length > 2 ? 's' : ''}` : '';
    return {
      reason: `the app writes to disk (${blocker.where}: ${blocker.problem}${more}), where USER ${NODE_IMAGE_USER} may get EACCES; give those folders to ${NODE_IMAGE_USER} (COPY --chown or RUN chown) and add USER ${NODE_IMAGE_USER} by hand`,
    };
  }
  const folders = [...new Set([...sites.map((site) => site.folder!), ...made])].sort();
  // uploads and uploads/avatars: chown -R on the outer folder covers both
  return { folders: folders.filter((folder) => !folders.some((other) => folder.startsWith(`${other}/`))) };
}

const rule: TextRule = {
  kind: 'text',
  meta: {
    id: 'docker-root',
    title: 'The container runs as a non-root user',
    description:
      'A process running as root inside the container is root on the container filesystem and one kernel or runtime bug away from root on the host. The final image should switch to an unprivileged user before CMD/ENTRYPOINT.',
    checklist: 'docker-non-root',
    severity: 'high',
    cwe: [250],
    fixable: true,
    hint: 'Add USER <an unprivileged user> before CMD/ENTRYPOINT: `USER node` on node images, otherwise create one (RUN useradd --system app) and switch to it.',
  },
  appliesTo: isDockerfilePath,
  prefilter: /^\s*FROM\s/im,
  check(context) {
    const file = parseDockerfile(context.text);
    const chain = finalStageChain(file);
    if (chain.length === 0) return;
    const final = chain[0];
    const starts = final.instructions.filter((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT');
    const inherited = chain
      .slice(1)
      .some((stage) => stage.instructions.some((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT'));
    const rootBase = expandGlobalArgs(file, chain[chain.length - 1].base);
    // An image without a command of its own (a static-files stage, a base image) is judged where it runs,
    // unless it is a node image that EXPOSEs a port: node's own CMD is a REPL, so compose or the
    // orchestrator starts the app. A web server base (nginx, httpd) runs its own command, as before.
    const nodeService =
      isOfficialNodeImage(rootBase) &&
      chain.some((stage) => stage.instructions.some((i) => i.keyword === 'EXPOSE'));
    if (starts.length === 0 && !inherited && !nodeService && !isWebServerImage(rootBase)) return;
    const user = effectiveUser(chain, rootBase);
    if (user.kind !== 'root') return;

    // A reviewer points at the image that runs: the final stage's FROM, or the USER root that undoes it.
    const where = user.at ?? final.from;
    const message = user.at
      ? `USER ${user.at.args.trim()} is the last user: the container runs as root`
      : `no USER in the final stage (FROM ${final.base}): the container runs as root`;
    const report = { line: where.line, column: where.column, endLine: where.endLine, message };

    if (isWebServerImage(rootBase)) {
      context.report({
        ...report,
        unfixableReason: `${rootBase}'s master process runs as root; use an unprivileged variant (nginxinc/nginx-unprivileged, listening on 8080) or add USER with a port above 1024 and writable cache and pid paths`,
      });
      return;
    }
    if (!isOfficialNodeImage(rootBase)) {
      context.report({
        ...report,
        // Said of python:3.10 too: the reason names what the image lacks, not which image it is not.
        unfixableReason: `${rootBase} has no unprivileged user to switch to (the official node images have node); create one (RUN useradd --system --create-home app) and add USER app before CMD`,
      });
      return;
    }
    if (context.policy.docker.user !== NODE_IMAGE_USER) {
      context.report({
        ...report,
        unfixableReason: `the policy's user ${context.policy.docker.user} does not exist in node images; create it (RUN useradd) and add USER ${context.policy.docker.user} before CMD`,
      });
      return;
    }
    const anchor = starts[0];
    const after = anchor ? final.instructions.slice(final.instructions.indexOf(anchor) + 1) : [];
    if (!anchor || after.some((i) => i.keyword === 'RUN' || i.keyword === 'USER')) {
      context.report({
        ...report,
        unfixableReason: `the final stage has no CMD/ENTRYPOINT followed only by metadata; add USER ${NODE_IMAGE_USER} after the last RUN by hand`,
      });
      return;
    }
    // A development image (Dockerfile-dev) gets its code from a bind mount at run time: the host decides who
    // owns it, and a start script that runs `npm install` there would fail as node.
    if (!chain.some((stage) => stage.instructions.some((i) => i.keyword === 'COPY' || i.keyword === 'ADD'))) {
      context.report({
        ...report,
        unfixableReason: `the image copies no code (it is mounted at run time, a development image?): whether ${NODE_IMAGE_USER} may write it depends on the host; add USER ${NODE_IMAGE_USER} by hand where the mount allows it`,
      });
      return;
    }
    // Handles: CMD ["npm", "run", "start:dev"] where start:dev is `nest start --watch` (compiles into dist/)
    const startWrites = startCommandWrites(starts, dirname(context.file), NODE_IMAGE_USER);
    if (startWrites) {
      context.report({ ...report, unfixableReason: startWrites });
      return;
    }
    const writable = writableFolders(context.project.root, context.file, chain);
    if ('reason' in writable) {
      context.report({ ...report, unfixableReason: writable.reason });
      return;
    }
    const indentation = context.text.slice(anchor.lineStart, anchor.start);
    const folders = writable.folders.join(' ');
    // Handles: an app that writes uploads/, logs/: they are created and handed to the user before USER
    const chown = folders
      ? `${indentation}RUN mkdir -p ${folders} && chown -R ${NODE_IMAGE_USER}:${NODE_IMAGE_USER} ${folders}${file.eol}`
      : '';
    context.report({
      ...report,
      fix: [
        {
          start: anchor.lineStart,
          end: anchor.lineStart,
          text: `${chown}${indentation}USER ${NODE_IMAGE_USER}${file.eol}`,
        },
      ],
    });
  },
};

export default rule;
