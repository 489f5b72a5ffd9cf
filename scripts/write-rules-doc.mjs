// Writes docs/rules.md from the built policy and rule registry (`npm run docs` builds first), formatted as
// `npm run lint` expects it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { renderRulesDoc } from '../dist/src/docs/rules-doc.js';

const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'rules.md');
const options = { ...(await prettier.resolveConfig(target)), filepath: target };
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, await prettier.format(renderRulesDoc(), options));
console.log(`wrote ${target}`);
