import { isDockerfilePath } from '../_shared/docker/dockerfile.js';
import { findKeysInText, keyFormatStart, redact } from '../_shared/key-formats.js';
import { secretAssignment } from '../_shared/secrets/assignment.js';
import { configEntries, configSyntax } from '../_shared/secrets/config-entries.js';
import { isTestPath, relativeToRoot } from '../_shared/secrets/paths.js';
import { secretWord, urlWithPassword } from '../_shared/secrets/prefilter.js';
import type { TextContext, TextFileDetector } from '../../src/engine/rule.js';
import { isSecretBearingFile } from '../../src/engine/discover.js';
import { isLiteralSecret, signingKeysOf } from './json-config.js';
import { guessableComposePasswords } from '../docker-secret/compose.js';

/** Files whose whole purpose is a key: the key itself is the finding, wherever it sits in the file. */
const keyFile = /(?:\.(?:pem|key|p8|p12)|(?:^|\/)id_(?:rsa|dsa|ecdsa|ed25519))$/i;

/** CI pipelines: GitHub Actions, GitLab, CircleCI, Travis, Azure, Bitbucket, Drone, Woodpecker. */
const ciConfig =
  /(?:^|\/)(?:\.github\/workflows\/|\.circleci\/|\.woodpecker\/)|(?:^|\/)(?:\.gitlab-ci|\.travis|azure-pipelines|bitbucket-pipelines|\.drone)\.ya?ml$/;

/** What to do instead, by the kind of file the secret is in. */
function remedy(relativePath: string): string {
  if (keyFile.test(relativePath))
    return 'untrack the key file (git rm --cached), ignore it, mount the key at run time, and rotate it: it is in git history';
  if (/(?:^|\/)\.(?:npmrc|pypirc)$/.test(relativePath))
    return 'write ${NPM_TOKEN} (an environment variable) instead of the token, set it in CI, and revoke this one';
  if (/(?:^|\/)(?:docker-)?compose[\w.-]*\.ya?ml$/i.test(relativePath))
    return 'write ${NAME} and keep the value in an env_file git ignores (or a compose secret), and rotate it';
  if (ciConfig.test(relativePath))
    return "store it in the CI's secrets and read it as ${{ secrets.NAME }} (or the CI's equivalent), and rotate it";
  return 'read it from the environment or a secret store (not from a file in git), and rotate it: it is in git history';
}

function check(context: TextContext): void {
  const relativePath = relativeToRoot(context.file, context.project.root);
  const reason = remedy(relativePath);
  const lineStarts = [0];
  for (let index = context.text.indexOf('\n'); index !== -1; index = context.text.indexOf('\n', index + 1))
    lineStarts.push(index + 1);
  const position = (offset: number) => {
    let line = lineStarts.length - 1;
    while (lineStarts[line] > offset) line--;
    return { line: line + 1, column: offset - lineStarts[line] + 1 };
  };
  const keys = findKeysInText(context.text);
  const taken = new Set<number>();
  for (const key of keys) {
    const start = position(key.index);
    const end = position(key.index + key.value.length);
    taken.add(start.line);
    const label = `${key.format.label[0].toUpperCase()}${key.format.label.slice(1)}`;
    context.report({
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      message: `${label} is hard-coded (${redact(key.value, key.format)})`,
      unfixableReason: reason,
    });
  }
  const syntax = configSyntax(relativePath);
  // CI jobs set throwaway values for their test services (SECRET_KEY for a test database): as in .env.test, only
  // an issued key (above) is a leak there; real CI secrets come from the CI's store.
  if (!syntax || ciConfig.test(relativePath)) return;
  // `MYSQL_PASSWORD: fastapi` beside `MYSQL_USER: fastapi`: docker-secret's guessable password, one finding
  for (const variable of guessableComposePasswords(relativePath, context.text)) taken.add(variable.line);
  let signing: Set<string> | undefined;
  for (const entry of configEntries(context.text, syntax)) {
    if (taken.has(entry.line)) continue;
    let found = secretAssignment(entry.name, entry.value);
    // Handles: config.json { "secret": "ngEurope rocks!" } read as jwt.sign(user, config.secret)
    if (!found && syntax === 'json' && isLiteralSecret(entry.value)) {
      signing ??= signingKeysOf(context.project.root, relativePath);
      if (signing.has(entry.name))
        found = {
          what: `The signing secret \`${entry.name}\` is hard-coded (the code signs or verifies with it)`,
          redacted: redact(entry.value),
        };
    }
    if (!found || found.format) continue;
    context.report({
      line: entry.line,
      column: entry.column,
      endColumn: entry.endColumn,
      message: `${found.what} (${found.redacted})`,
      unfixableReason: reason,
    });
  }
}

/**
 * hardcoded-secret over the files secrets hide in besides code: compose and Kubernetes YAML, CI workflows,
 * config/*.json, appsettings.json, .npmrc, key files. Dockerfiles are docker-secret's, .env files env-committed's.
 */
export const secretFiles: TextFileDetector = {
  appliesTo: (relativePath) =>
    isSecretBearingFile(relativePath) && !isDockerfilePath(relativePath) && !isTestPath(relativePath),
  prefilter: (text) => keyFormatStart.test(text) || urlWithPassword.test(text) || secretWord.test(text),
  check,
};
