import { posix } from 'node:path';
import { projectSources } from '../project/files.js';
import { relativeToRoot } from '../secrets/paths.js';

/**
 * Whether the app `name` of this file is exported: `module.exports = app`, `export default app`,
 * `export { app }`, `exports.app = app`, `export const app = express()`.
 */
export function exportsApp(text: string, name: string): boolean {
  const n = name.replace(/\$/g, '\\$');
  return new RegExp(
    `module\\.exports\\s*=\\s*${n}\\b|\\bexports\\.\\w+\\s*=\\s*${n}\\b|export\\s+default\\s+${n}\\b|` +
      `export\\s*\\{[^}]*\\b${n}\\b[^}]*\\}|export\\s+(?:const|let|var)\\s+${n}\\b`,
  ).test(text);
}

const localImport =
  /(?:(?<!\.)\b([\w$]+)\s*=\s*require\(\s*|import\s+([\w$]+)\s+from\s+)['"](\.{1,2}\/[^'"]+)['"]/g;
const stripExtension = (path: string) => path.replace(/(?:\/index)?\.[cm]?[jt]s$/, '');

/**
 * Whether another module of the project loads this file and mounts what it exports with `.use(...)`
 * (`app.use('/api', apiApp)`): then this app is a sub-app. Express runs the parent's middleware (helmet,
 * a limiter) before a mounted app's, so the parent is the one judged; reporting the sub-app too would ask
 * for a second answer to the same concern.
 */
export function mountedElsewhere(root: string, file: string): boolean {
  const self = stripExtension(relativeToRoot(file, root));
  for (const source of projectSources(root)) {
    if (stripExtension(source.path) === self || !source.text.includes('.use(')) continue;
    for (const [, required, imported, specifier] of source.text.matchAll(localImport)) {
      const target = stripExtension(posix.normalize(posix.join(posix.dirname(source.path), specifier)));
      if (target !== self) continue;
      const binding = (required ?? imported).replace(/\$/g, '\\$');
      // Handles: app.use('/api/', apiRouter), app.use(apiApp), app.use('/v1', auth, apiApp)
      if (new RegExp(`\\.use\\(\\s*(?:[^()]*?,\\s*)?${binding}\\s*[,)]`).test(source.text)) return true;
    }
  }
  return false;
}
