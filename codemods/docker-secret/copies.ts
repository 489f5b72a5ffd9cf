import { dirname, join } from 'node:path';
import ignore from 'ignore';
import { listFolder, pathExists, readTextIfAny } from '../_shared/project/dependencies.js';
import {
  argumentTokens,
  finalStageChain,
  type Dockerfile,
  type Instruction,
} from '../_shared/docker/dockerfile.js';

/** `.env`, `.env.production`, `.env.local`; templates (`.env.example`) hold names, not values. */
const dotenvName = /^\.env(?:\.[\w.-]+)?$/;
const dotenvTemplate = /^\.env\.(?:example|sample|template|dist|defaults?|schema|tpl)$/i;
/** SSH keys and private keys by their usual names (a `.pem` is as often a public CA bundle). */
const keyName = /^id_(?:rsa|dsa|ecdsa|ed25519)$|\.key$/;

export interface SecretCopy {
  instruction: Instruction;
  message: string;
  unfixableReason: string;
}

function sourcesOf(file: Dockerfile, instruction: Instruction): string[] | undefined {
  const tokens = argumentTokens(file, instruction).map((token) => token.value);
  // COPY --from=build ...: files of another stage or image, not of the build context
  if (tokens.some((token) => /^--from=/i.test(token))) return undefined;
  const operands = tokens.filter((token) => !token.startsWith('--'));
  if (operands.length === 1 && operands[0].startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(operands[0]);
      return Array.isArray(parsed) ? parsed.slice(0, -1).map(String) : undefined;
    } catch {
      return undefined;
    }
  }
  return operands.slice(0, -1);
}

/** The env files beside the Dockerfile that its .dockerignore lets into the build context. */
function envFilesSent(dockerfilePath: string): string[] {
  const folder = dirname(dockerfilePath);
  let names: string[];
  try {
    names = listFolder(folder)
      .map((entry) => entry.name)
      .filter((name) => dotenvName.test(name) && !dotenvTemplate.test(name));
  } catch {
    return [];
  }
  if (names.length === 0) return [];
  // BuildKit reads <Dockerfile>.dockerignore first, then the context's .dockerignore.
  const own = `${dockerfilePath}.dockerignore`;
  const ignoreFile = pathExists(own) ? own : join(folder, '.dockerignore');
  const rules = readTextIfAny(ignoreFile) ?? '';
  const matcher = ignore().add(rules);
  return names.filter((name) => !matcher.ignores(name));
}

/**
 * COPY/ADD in the image that runs (the final stage and the stages it builds on) of an env file or a private key,
 * or of the whole context while an env file beside the Dockerfile is not in .dockerignore: the file lands in a
 * layer anyone who pulls the image can read.
 */
export function secretCopies(file: Dockerfile, dockerfilePath: string): SecretCopy[] {
  const copies: SecretCopy[] = [];
  const stages = new Set(finalStageChain(file).map((stage) => stage.index));
  let sent: string[] | undefined;
  for (const instruction of file.instructions) {
    if ((instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') || !stages.has(instruction.stage))
      continue;
    const sources = sourcesOf(file, instruction);
    if (!sources) continue;
    const shown = `${instruction.keyword} ${instruction.args.trim()}`;
    for (const source of sources) {
      const name = source.replace(/\/+$/, '').split('/').pop() ?? '';
      if ((dotenvName.test(name) && !dotenvTemplate.test(name)) || /^\.env\*$/.test(name)) {
        copies.push({
          instruction,
          message: `${shown} puts ${name} in an image layer: every secret in it ships with the image`,
          unfixableReason: `drop ${name} from the image and pass its variables at run time (docker run --env-file, compose env_file), then rotate them`,
        });
      } else if (keyName.test(name)) {
        copies.push({
          instruction,
          message: `${shown} puts the private key ${name} in an image layer`,
          unfixableReason: `mount the key at run time (a compose or Kubernetes secret) or at build time (RUN --mount=type=secret or --mount=type=ssh), and rotate it`,
        });
      } else if (/^(?:\.|\.\/|\*|\.\/\*)$/.test(source)) {
        sent ??= envFilesSent(dockerfilePath);
        if (sent.length === 0) continue;
        const names = sent.join(', ');
        copies.push({
          instruction,
          message: `${shown} copies ${names} into the image: .dockerignore does not exclude ${sent.length > 1 ? 'them' : 'it'}`,
          unfixableReason: `add ${sent.length > 1 ? '.env*' : names} to .dockerignore (keep !.env.example if the image needs it) and rotate what was shipped`,
        });
      }
    }
  }
  return copies;
}
