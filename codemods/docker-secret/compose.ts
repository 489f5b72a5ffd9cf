import type { TextContext } from '../../src/engine/rule.js';
import { isReference, secretAssignment } from '../_shared/secrets/assignment.js';
import { isTestPath, relativeToRoot } from '../_shared/secrets/paths.js';
import { isDefaultCredential, isPlaceholder } from '../_shared/secrets/values.js';

/**
 * Compose files: a literal password in a service's `environment:` is in the repository and in every container's
 * `docker inspect`. Real-looking secrets there are hardcoded-secret's findings (it reads every YAML file); this
 * reads what that rule leaves as "not a chosen secret": the default and guessable passwords a database image
 * starts with (`MYSQL_ROOT_PASSWORD: root`, `POSTGRES_PASSWORD: postgres`), which the rules forbid in production.
 */

/** `docker-compose.yml`, `compose.prod.yaml`, `docker-compose.mysql.yml`. */
const composeFile = /(?:^|\/)(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml$/i;
/**
 * Files that only ever run on a developer's machine or in CI: `docker-compose.dev.yml`, `compose.override.yml`
 * (applied by default on the machine that runs `docker compose up`, never named in a deployment), dev containers.
 */
const developmentOnly =
  /(?:^|\/)\.devcontainer\/|(?:^|\/)(?:docker-)?compose[.-](?:[\w-]+[.-])*(?:dev|develop|development|local|override|test|testing|ci|e2e)(?:[.-][\w.-]+)?\.ya?ml$/i;

export function isComposePath(relativePath: string): boolean {
  return composeFile.test(relativePath);
}

export const composeEnvironment = /^\s*environment\s*:/m;

export interface ComposeVariable {
  name: string;
  value: string;
  /** 1-based, of the value as written. */
  line: number;
  column: number;
  endColumn: number;
  service: string;
}

/** `"quoted"`, `'quoted'`, or plain up to a ` #` comment; the column span of what was written. */
function unquote(raw: string): { value: string; length: number } {
  const quoted = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*')/.exec(raw);
  if (quoted) {
    const text = quoted[1];
    const value = text.startsWith('"') ? text.slice(1, -1).replace(/\\(.)/g, '$1') : text.slice(1, -1);
    return { value, length: text.length };
  }
  const plain = raw.replace(/\s+#.*$/, '').trimEnd();
  return { value: plain, length: plain.length };
}

/**
 * The variables of each service's `environment:`, in its two forms, read line by line by indentation (compose
 * files are block YAML in practice; a flow mapping `environment: {A: 1}` is not read).
 */
export function composeVariables(text: string): ComposeVariable[] {
  const found: ComposeVariable[] = [];
  const path: { indent: number; key: string }[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (/^\s*(?:#|$)/.test(line)) return;
    const indent = /^\s*/.exec(line)![0].length;
    while (path.length > 0 && path.at(-1)!.indent >= indent) path.pop();
    const keys = path.map((entry) => entry.key);
    const inEnvironment = keys.length === 3 && keys[0] === 'services' && keys[2] === 'environment';
    /** One variable of this service, its value starting at `offset` (0-based) in the line. */
    const variable = (name: string, raw: string, offset: number) => {
      const { value, length } = unquote(raw);
      found.push({
        name,
        value,
        line: index + 1,
        column: offset + 1,
        endColumn: offset + length + 1,
        service: keys[1],
      });
    };
    // Handles: - MYSQL_ROOT_PASSWORD=root (the list form)
    const listed = /^(\s*-\s+)(["']?)([A-Za-z_][\w.]*)=(.*?)\2\s*$/.exec(line);
    if (listed) {
      if (!inEnvironment) return;
      variable(listed[3], listed[4], listed[1].length + listed[2].length + listed[3].length + 1);
      return;
    }
    const mapping = /^(\s*)(["']?)([\w.-]+)\2\s*:(?:\s+(.*?))?\s*$/.exec(line);
    if (!mapping) return;
    const raw = mapping[4] ?? '';
    // Handles: MYSQL_ROOT_PASSWORD: root (the mapping form)
    if (inEnvironment) {
      if (raw === '') return;
      variable(
        mapping[3],
        raw,
        line.length - line.trimStart().length + line.trimStart().indexOf(raw, mapping[3].length),
      );
      return;
    }
    if (raw === '' || /^[|>]/.test(raw)) path.push({ indent, key: mapping[3] });
  });
  return found;
}

/** Names that hold a password, whatever the image calls it: `MYSQL_ROOT_PASSWORD`, `POSTGRES_PASSWORD`, `DB_PASS`. */
const passwordName = /(?:^|_)(?:PASSWORD|PASSWD|PASS|PWD)$/i;

/**
 * A literal password a database image would start with, or one anyone guesses: a default, a few letters, the
 * user's, database's or service's name.
 */
function guessablePassword(variable: ComposeVariable, all: ComposeVariable[]): boolean {
  if (!passwordName.test(variable.name) || variable.name === 'PWD') return false;
  const value = variable.value.trim();
  if (value === '' || isReference(value) || isPlaceholder(value)) return false;
  // The user's, database's or service's own name (`MYSQL_PASSWORD: fastapi` beside `MYSQL_USER: fastapi`) is
  // guessed first, however random the name looks: this rule's, and hardcoded-secret leaves it here.
  if (sameAsName(variable, all, value.toLowerCase())) return true;
  // hardcoded-secret reports the chosen ones (`POSTGRES_PASSWORD: Zq8vLr2Mx5`)
  if (secretAssignment(variable.name, value) !== undefined) return false;
  // Too short to have been chosen as a secret: `pass`, `umami`
  return isDefaultCredential(value) || value.length < 6;
}

function sameAsName(variable: ComposeVariable, all: ComposeVariable[], lower: string): boolean {
  const neighbours = all.filter((other) => other.service === variable.service && other !== variable);
  return (
    lower === variable.service.toLowerCase() ||
    neighbours.some(
      (other) => /(?:USER|USERNAME|DATABASE|DB)$/i.test(other.name) && other.value.toLowerCase() === lower,
    )
  );
}

/** The compose variables this rule reports: guessable passwords, outside development-only and test files. */
export function guessableComposePasswords(relativePath: string, text: string): ComposeVariable[] {
  if (developmentOnly.test(relativePath) || isTestPath(relativePath)) return [];
  const variables = composeVariables(text);
  return variables.filter((variable) => guessablePassword(variable, variables));
}

export function checkCompose(context: TextContext): void {
  const relativePath = relativeToRoot(context.file, context.project.root);
  for (const variable of guessableComposePasswords(relativePath, context.text)) {
    context.report({
      line: variable.line,
      column: variable.column,
      endColumn: variable.endColumn,
      message: `${variable.name} of the ${variable.service} service is a guessable password written in the compose file`,
      unfixableReason: `write ${variable.name}: \${${variable.name}:?set it} and keep the value in an env_file git ignores (or use a compose secret with ${variable.name}_FILE), then change the password the database already has`,
    });
  }
}
