import { readTextIfAny } from '../_shared/project/dependencies.js';
import { join } from 'node:path';
import type { Instruction } from '../_shared/docker/dockerfile.js';

/**
 * Commands that write into the folder they run in: a compiler or bundler emitting its output (`nest start`
 * compiles into dist/ before it starts, `next dev` fills .next/), or an install filling node_modules. Run by
 * the container's start command, they write where COPY left root as the owner, so `USER node` makes the
 * container fail at start with EACCES.
 */
const writingCommands =
  /\bnest\s+(?:start|build)\b|\btsc\b(?![^&|;]*--noEmit)|\bnext\s+(?:build|dev)\b|\b(?:webpack|rollup|tsup)\b|\bvite\s+build\b|\bbabel\b[^&|;]*\s(?:-d|--out-dir|-o|--out-file)\b|\b(?:npm|pnpm|yarn)\s+(?:install|ci|i)\b|\bprisma\s+generate\b/;

/** `npm start`, `npm run start:dev`, `npm start:dev` (npm's own commands aside), `yarn dev`, `pnpm run build`. */
const scriptCall = /\b(?:npm|pnpm|yarn)\s+(?:run(?:-script)?\s+)?([\w:.-]+)/g;
const packageManagerCommands = new Set(['install', 'ci', 'i', 'exec', 'x', 'add', 'dlx', 'prune']);

/** The command line of CMD/ENTRYPOINT, exec form (`["npm", "start"]`) or shell form. */
function commandLine(instruction: Instruction): string {
  const args = instruction.args.trim();
  if (args.startsWith('[')) {
    try {
      const words: unknown = JSON.parse(args);
      if (Array.isArray(words)) return words.map(String).join(' ');
    } catch {
      // not JSON: Docker runs it as a shell command
    }
  }
  return args;
}

function packageScripts(folder: string): Record<string, string> {
  const path = join(folder, 'package.json');
  const text = readTextIfAny(path);
  if (text === undefined) return {};
  try {
    const scripts: unknown = (JSON.parse(text) as { scripts?: unknown }).scripts;
    return scripts && typeof scripts === 'object' ? (scripts as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/**
 * Why `USER node` would stop the container from starting, if it would: its start command, or a package.json
 * script it runs (with the script's pre hook, and the scripts that one runs), writes into the working
 * directory. `folder` holds the package.json the image copies (the Dockerfile's folder).
 */
export function startCommandWrites(starts: readonly Instruction[], folder: string, user: string) {
  const scripts = packageScripts(folder);
  const queue = starts.map((instruction) => ({ via: '', command: commandLine(instruction) }));
  const seen = new Set<string>();
  for (let item = queue.shift(); item; item = queue.shift()) {
    const writes = writingCommands.exec(item.command);
    if (writes) {
      const how = item.via ? `its package.json script ${item.via} runs \`${writes[0]}\`` : `\`${writes[0]}\``;
      return `the container starts with a command that writes into the working directory (${how}), which root owns after COPY: as ${user} it would fail with EACCES; build in a RUN step before USER ${user}, or give the folder to ${user} (COPY --chown=${user}:${user}), then add USER ${user} by hand`;
    }
    for (const match of item.command.matchAll(scriptCall)) {
      const name = match[1];
      if (packageManagerCommands.has(name)) continue;
      for (const script of [`pre${name}`, name]) {
        if (seen.has(script) || typeof scripts[script] !== 'string') continue;
        seen.add(script);
        queue.push({ via: script, command: scripts[script] });
      }
    }
  }
  return undefined;
}
