import type { TextContext, TextFileDetector } from '../../src/engine/rule.js';
import { pythonSourcesText } from '../_shared/python/project.js';
import { configEntries, configSyntax } from '../_shared/secrets/config-entries.js';
import { secretKind } from '../_shared/secrets/names.js';
import { isTestPath, relativeToRoot } from '../_shared/secrets/paths.js';
import { isDefaultCredential } from '../_shared/secrets/values.js';
import { defaultCredentialWord } from './seeded-accounts.js';
import { projectReadsDatabaseEnv } from './database-url.js';

/**
 * A default password in an application's own config file (`config/dev.yaml`: `password: postgres`) that the app
 * reads as it is: no value in the file comes from the environment, and no code of the project reads a database
 * setting from it. Compose files are docker-secret's, CI jobs set throwaway values for their test services, and
 * a value equal to its key (`password: Password`) is a label of a translation file.
 */

const notAppConfig =
  /(?:^|\/)(?:docker-)?compose[\w.-]*\.ya?ml$|(?:^|\/)(?:\.github|\.circleci|\.woodpecker|\.devcontainer|locales?|i18n|lang|translations?)\/|(?:^|\/)(?:\.gitlab-ci|\.travis|azure-pipelines|bitbucket-pipelines|\.drone)\.ya?ml$/i;
/** A value filled in when the file is read: `${DB_PASSWORD}`, `<%= ENV['X'] %>`, `!env`, `%(X)s`, `env(X)`. */
const interpolated = /\$\{|<%|!env\b|%\(|\benv\(|\bENV\[|os\.environ/;
/** `password: postgres`, `"db_password": "admin"`: a password's key with a default credential as its whole value. */
const defaultPasswordEntry = new RegExp(
  String.raw`(?:pass|pwd)[\w-]*['"]?\s*:\s*['"]?\s*${defaultCredentialWord}\s*['"]?\s*(?:[,}\]#]|$)`,
  'im',
);
/** Python code reading a database setting from the environment, or pydantic-settings reading all of them. */
const pythonDatabaseEnvRead =
  /(?:environ(?:\.get)?\s*[[(]|getenv\s*\(|\bconfig\s*\()\s*['"]\w*(?:DB|DATABASE|PG|POSTGRES|MYSQL|MARIADB|MONGO|REDIS|SQL)|\bBaseSettings\b/i;

function check(context: TextContext): void {
  const relativePath = relativeToRoot(context.file, context.project.root);
  const syntax = configSyntax(relativePath);
  if (!syntax || syntax === 'ini' || notAppConfig.test(relativePath)) return;
  if (interpolated.test(context.text)) return;
  const entries = configEntries(context.text, syntax).filter(
    (entry) =>
      secretKind(entry.name) === 'password' &&
      isDefaultCredential(entry.value) &&
      entry.value.trim().toLowerCase() !== entry.name.toLowerCase(),
  );
  if (entries.length === 0) return;
  const root = context.project.root;
  if (projectReadsDatabaseEnv(root) || pythonDatabaseEnvRead.test(pythonSourcesText(root))) return;
  for (const entry of entries)
    context.report({
      line: entry.line,
      column: entry.column,
      endColumn: entry.endColumn,
      message: `\`${entry.name}\` is the default password \`${entry.value.trim()}\`, and nothing reads it from the environment: every deployment of this config uses it`,
      unfixableReason:
        'read the password from an environment variable or a secret store, and set a strong one on the server',
    });
}

export const defaultPasswordFiles: TextFileDetector = {
  appliesTo: (relativePath) =>
    /\.(?:ya?ml|json)$/i.test(relativePath) && !notAppConfig.test(relativePath) && !isTestPath(relativePath),
  prefilter: (text) => defaultPasswordEntry.test(text) && !interpolated.test(text),
  check,
};
