import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (the folder holding our package.json), from src/ or from dist/src/. */
export const packageRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate) && JSON.parse(readFileSync(candidate, 'utf8')).name === 'create-secure-app')
      return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('internal: cannot find the create-secure-app package root');
    dir = parent;
  }
})();

export const packageVersion: string = JSON.parse(
  readFileSync(join(packageRoot, 'package.json'), 'utf8'),
).version;

export const templatesDir = join(packageRoot, 'templates');
