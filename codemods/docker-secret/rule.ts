import type { TextEdit, TextRule } from '../../src/engine/rule.js';
import { matchKeyFormat, redact } from '../_shared/key-formats.js';
import { secretKind } from '../_shared/secrets/names.js';
import { isPlaceholder } from '../_shared/secrets/values.js';
import { relativeToRoot } from '../_shared/secrets/paths.js';
import { secretCopies } from './copies.js';
import { checkCompose, composeEnvironment, isComposePath } from './compose.js';
import {
  argumentTokens,
  isDockerfilePath,
  parseDockerfile,
  positionOf,
  type Dockerfile,
  type Instruction,
  type Token,
} from '../_shared/docker/dockerfile.js';

/** Words that make a variable name a secret wherever they appear in it. */
const secretWords = new Set([
  'SECRET',
  'SECRETS',
  'TOKEN',
  'TOKENS',
  'PASSWORD',
  'PASSWORDS',
  'PASSWD',
  'PASS',
  'PASSPHRASE',
  'APIKEY',
  'CREDENTIAL',
  'CREDENTIALS',
  'PRIVATEKEY',
]);

/** Last words that name something about a secret, not the secret (JWT_SECRET_FILE, TOKEN_EXPIRES_IN). */
const metadataWords = new Set([
  'FILE',
  'PATH',
  'DIR',
  'URL',
  'URI',
  'HOST',
  'PORT',
  'NAME',
  'USER',
  'USERNAME',
  'TYPE',
  'LENGTH',
  'SIZE',
  'EXPIRY',
  'EXPIRES',
  'EXPIRATION',
  'IN',
  'TTL',
  'TIMEOUT',
  'SECONDS',
  'MINUTES',
  'HOURS',
  'DAYS',
  'HEADER',
  'ALGORITHM',
  'ALG',
  'ID',
  'ENABLED',
  'DISABLED',
  'ENABLE',
  'DISABLE',
  'MODE',
  'VERSION',
  'ISSUER',
  'AUDIENCE',
  'REGION',
  'POLICY',
  'ROTATION',
  'PROVIDER',
]);

/** `postgres://user:password@host`, with a literal password. */
const credentialsInUrl = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:([^/\s@$]+)@/i;

/**
 * A URL whose password is real: an image ships it whatever the host (`db` in compose is as readable as a public
 * host), but a build-time dummy (`postgresql://user:pass@localhost/dummy`) is a placeholder.
 */
function hasUrlPassword(value: string): boolean {
  const match = credentialsInUrl.exec(value);
  if (!match) return false;
  const user = /^[a-z][a-z0-9+.-]*:\/\/([^/\s:@]+):/i.exec(value)![1];
  const password = match[1];
  return (
    !isPlaceholder(password) &&
    !/^(?:pass(?:word)?|pwd|secret|dummy)$/i.test(password) &&
    password.toLowerCase() !== user.toLowerCase()
  );
}

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
}

export function isSecretName(name: string): boolean {
  const parts = words(name);
  if (parts.length === 0 || name === 'PWD') return false;
  // The names every secret rule knows (names.ts): PGPASSWORD, MYSQL_PWD, DBPASS, passphrase spellings
  if (secretKind(name) !== undefined && !metadataWords.has(parts[parts.length - 1])) return true;
  const last = parts[parts.length - 1];
  // GPG_KEY in official images is a public key's fingerprint; PUBLIC keys are public.
  if (metadataWords.has(last) || parts.includes('PUBLIC') || parts.includes('GPG')) return false;
  const joined = parts.join('_');
  if (/(^|_)(API_KEY|PRIVATE_KEY|ACCESS_KEY|SECRET_KEY|AUTH_TOKEN)(_|$)/.test(joined)) return true;
  if (parts.some((part) => secretWords.has(part))) return true;
  // STRIPE_KEY, ENCRYPTION_KEY, JWT_KEY; but KEY_ID, KEYBOARD, MONKEY are not keys.
  return last === 'KEY' && parts.length > 1;
}

/** Values that carry no secret: empty, a flag or number, a path (to a mounted secret file, a key file). */
function isHarmlessValue(value: string): boolean {
  return (
    value === '' ||
    /^(true|false|yes|no|on|off|none|null|\d+)$/i.test(value) ||
    // A path names where a key lives (/run/secrets/jwt, /etc/ssl/private/app.key), not the key.
    /^(\.{0,2}\/|~\/)\S*$/.test(value)
  );
}

function declaredBefore(file: Dockerfile, name: string, before: Instruction): boolean {
  return file.instructions.some(
    (instruction) =>
      instruction.start < before.start &&
      (instruction.keyword === 'ARG' || instruction.keyword === 'ENV') &&
      argumentTokens(file, instruction).some((token) => token.value.split('=')[0] === name),
  );
}

/** Names build tools read from the environment by themselves (an .npmrc with ${NPM_TOKEN}, Sentry uploads). */
const buildToolVariable =
  /NPM|YARN|PNPM|NODE_AUTH|GITHUB|GH_|GITLAB|GIT_|REGISTRY|SENTRY|PIP_|BUNDLE|COMPOSER|SSH|ARTIFACTORY|NEXUS/i;

/** RUN steps that cannot read an application secret: package installs and file housekeeping. */
const inertCommand =
  /^\s*(apt-get|apt|apk|yum|dnf|mkdir|chown|chmod|addgroup|adduser|useradd|groupadd|rm|cp|mv|ln|echo|touch|npm (ci|install|i)\b|yarn( install)?( --[\w-]+)*\s*$|pnpm (i|install)\b|npm cache clean)/;

/**
 * Why removing this variable could break a later build step, if it could: ARG values and ENV values
 * reach every later RUN of the stage (and of stages built on it) as environment variables.
 */
function implicitReader(file: Dockerfile, variable: Variable): Instruction | undefined {
  const stage = file.stages[variable.instruction.stage];
  if (!stage) return undefined;
  const derived = file.stages.filter(
    (other) => other.index > stage.index && stage.name && other.base.toLowerCase() === stage.name,
  );
  const later = [
    ...stage.instructions.filter((instruction) => instruction.start > variable.instruction.start),
    ...derived.flatMap((other) => other.instructions),
  ].filter((instruction) => instruction.keyword === 'RUN');
  if (variable.instruction.keyword === 'ARG' || buildToolVariable.test(variable.name)) return later[0];
  return later.find((run) => run.args.split(/&&|;|\|\|/).some((command) => !inertCommand.test(command)));
}

interface Variable {
  instruction: Instruction;
  token: Token;
  name: string;
  value?: string;
  /** Why this variable is a secret, without its value. */
  reason: string;
}

/** ENV and ARG variables that hold secrets. `ENV KEY value` (the legacy form) is one variable. */
function secretVariables(file: Dockerfile): Variable[] {
  const found: Variable[] = [];
  for (const instruction of file.instructions) {
    if (instruction.keyword !== 'ENV' && instruction.keyword !== 'ARG') continue;
    const tokens = argumentTokens(file, instruction);
    if (tokens.length === 0) continue;
    const legacy = instruction.keyword === 'ENV' && !tokens[0].value.includes('=');
    const entries = legacy
      ? [
          {
            token: { ...tokens[0], end: tokens[tokens.length - 1].end },
            name: tokens[0].value,
            value: tokens
              .slice(1)
              .map((t) => t.value)
              .join(' '),
          },
        ]
      : tokens.map((token) => {
          const [name, ...rest] = token.value.split('=');
          return { token, name, value: rest.length > 0 ? rest.join('=') : undefined };
        });
    for (const entry of entries) {
      const { name, value } = entry;
      let reason: string | undefined;
      const format = value === undefined ? undefined : matchKeyFormat(value);
      if (format) reason = `its value is ${format.label} (${redact(value!, format)})`;
      else if (value !== undefined && hasUrlPassword(value))
        reason = 'its value is a URL with a password in it';
      else if (isSecretName(name)) {
        if (value === undefined && instruction.keyword === 'ENV') continue;
        if (value !== undefined && isHarmlessValue(value)) continue;
        // ENV X=${X} with no ARG or ENV X before it: the builder expands it to nothing.
        const reference = value === undefined ? undefined : /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(value);
        if (reference && !declaredBefore(file, reference[1], instruction)) continue;
        reason = 'its name says it holds a secret';
      }
      if (reason) found.push({ instruction, token: entry.token, name, value, reason });
    }
  }
  return found;
}

function referencesOf(file: Dockerfile, name: string, except: Set<Instruction>): Instruction[] {
  const pattern = new RegExp(`\\$(\\{${name}\\b|${name}\\b)`);
  return file.instructions.filter(
    (instruction) => !except.has(instruction) && pattern.test(instruction.args),
  );
}

const lineStartOf = (text: string, offset: number) => text.lastIndexOf('\n', offset - 1) + 1;
const lineEndOf = (text: string, offset: number) => {
  const end = text.indexOf('\n', offset);
  return end === -1 ? text.length : end + 1;
};

/**
 * The edits that delete one variable: the whole instruction when none of its variables stays, else the
 * word with its separator. A variable alone on a continued line goes with its line, so comment lines
 * inside the instruction stay; the last variable takes the continuation before it along. Edits of
 * neighbouring words may overlap; the engine then keeps the first, which covers both.
 */
function removal(file: Dockerfile, variable: Variable, siblings: Token[], removed: Set<number>): TextEdit[] {
  const { text } = file;
  const instruction = variable.instruction;
  if (siblings.every((token) => removed.has(token.start)))
    return [{ start: instruction.lineStart, end: instruction.endWithNewline, text: '' }];
  const index = siblings.findIndex((token) => token.start === variable.token.start);
  const token = siblings[index];
  const following = siblings[index + 1];
  const aloneOnLine = text.slice(lineStartOf(text, token.start), token.start).trim() === '';
  if (following) {
    if (index === 0 || !text.slice(token.end, following.start).includes('\n'))
      return [{ start: token.start, end: following.start, text: '' }];
    if (aloneOnLine)
      return [{ start: lineStartOf(text, token.start), end: lineEndOf(text, token.end), text: '' }];
    return [{ start: siblings[index - 1].end, end: token.end, text: '' }];
  }
  const kept = siblings.slice(0, index).filter((other) => !removed.has(other.start));
  const previous = kept[kept.length - 1];
  if (!aloneOnLine || !text.slice(previous.end, token.start).includes('\n'))
    return [{ start: previous.end, end: token.end, text: '' }];
  // ENV A=1 \ / # note / SECRET=2: drop the continuation after A=1 and SECRET's line, keep the note.
  const continuationEnd = text.indexOf('\n', previous.end);
  const beforeNewline = text[continuationEnd - 1] === '\r' ? continuationEnd - 1 : continuationEnd;
  return [
    { start: previous.end, end: beforeNewline, text: '' },
    { start: lineStartOf(text, token.start), end: lineEndOf(text, token.end), text: '' },
  ];
}

const dockerInstruction = /^\s*(ENV|ARG|COPY|ADD)\s/im;

const rule: TextRule = {
  kind: 'text',
  meta: {
    id: 'docker-secret',
    title: 'No secrets in Dockerfile ENV, ARG or copied files',
    description:
      'ENV values are stored in the image config (docker inspect shows them), ARG values in the build history (docker history shows them), and a copied .env or key file in a layer: anyone who can pull the image reads the secret. Pass secrets at run time or as BuildKit secrets.',
    checklist: 'secrets',
    severity: 'high',
    cwe: [538, 798],
    fixable: true,
    hint: 'Remove the secret from the Dockerfile; pass it at run time (docker run -e / --env-file, an orchestrator secret) or to RUN as a BuildKit secret (RUN --mount=type=secret,id=NAME), and rotate it.',
  },
  appliesTo: (relativePath) => isDockerfilePath(relativePath) || isComposePath(relativePath),
  // A pure function of the text: Dockerfile instructions, or a compose service's environment.
  prefilter: (text) => dockerInstruction.test(text) || composeEnvironment.test(text),
  check(context) {
    if (isComposePath(relativeToRoot(context.file, context.project.root))) {
      checkCompose(context);
      return;
    }
    const file = parseDockerfile(context.text);
    for (const copy of secretCopies(file, context.file)) {
      const { instruction } = copy;
      context.report({
        line: instruction.line,
        column: instruction.column,
        endLine: instruction.endLine,
        message: copy.message,
        unfixableReason: copy.unfixableReason,
      });
    }
    const secrets = secretVariables(file);
    // A variable that other instructions read cannot go without breaking them; the instructions that
    // only pass a secret along (ENV TOKEN=$TOKEN) are removed together.
    const runners = new Map(secrets.map((variable) => [variable, implicitReader(file, variable)] as const));
    let removable = new Set(secrets.filter((variable) => !runners.get(variable)));
    for (let changed = true; changed; ) {
      changed = false;
      const removedWhole = new Set(
        [...removable]
          .map((variable) => variable.instruction)
          .filter((instruction) =>
            argumentTokens(file, instruction).every((token) =>
              [...removable].some((v) => v.instruction === instruction && v.token.start === token.start),
            ),
          ),
      );
      for (const variable of removable) {
        const readers = referencesOf(file, variable.name, removedWhole).filter(
          (reader) => reader !== variable.instruction,
        );
        if (readers.length > 0) {
          removable = new Set([...removable].filter((other) => other !== variable));
          changed = true;
        }
      }
    }
    for (const variable of secrets) {
      const start = positionOf(context.text, variable.token.start);
      const end = positionOf(context.text, variable.token.end);
      const kind = variable.instruction.keyword;
      const shown = `${kind} ${variable.name}`;
      const where =
        kind === 'ENV' ? 'the image config (docker inspect)' : 'the build history (docker history)';
      const message = `${shown} puts a secret in ${where}: ${variable.reason}`;
      const base = {
        line: start.line,
        column: start.column,
        endLine: end.line,
        endColumn: end.column,
        message,
      };
      const runner = runners.get(variable);
      if (runner) {
        context.report({
          ...base,
          unfixableReason: `RUN at line ${runner.line} may read ${variable.name} from its environment; pass it as a BuildKit secret (RUN --mount=type=secret,id=${variable.name.toLowerCase()},env=${variable.name}) and drop the ${kind}`,
        });
        continue;
      }
      if (!removable.has(variable)) {
        const reader = referencesOf(file, variable.name, new Set([variable.instruction]))[0];
        context.report({
          ...base,
          unfixableReason: `${variable.name} is read at line ${reader?.line ?? '?'}; pass it as a BuildKit secret (RUN --mount=type=secret,id=${variable.name.toLowerCase()}) or at run time`,
        });
        continue;
      }
      const siblings = argumentTokens(file, variable.instruction);
      const legacy = kind === 'ENV' && siblings.length > 0 && !siblings[0].value.includes('=');
      const removedSiblings = new Set(
        secrets
          .filter((v) => v.instruction === variable.instruction && removable.has(v))
          .map((v) => v.token.start),
      );
      const edits = legacy
        ? [{ start: variable.instruction.lineStart, end: variable.instruction.endWithNewline, text: '' }]
        : removal(file, variable, siblings, removedSiblings);
      context.report({ ...base, message: `${message}; pass it at run time instead`, fix: edits });
    }
  },
};

export default rule;
