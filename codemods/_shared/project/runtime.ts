import { projectFile, projectSources } from './files.js';

/** `node:carbon` is Node 8: the official images tag each LTS line by its codename. */
const ltsCodenames: Record<string, number> = {
  argon: 4,
  boron: 6,
  carbon: 8,
  dubnium: 10,
  erbium: 12,
  fermium: 14,
  gallium: 16,
  hydrogen: 18,
  iron: 20,
  jod: 22,
};

/**
 * The oldest Node major the project says it runs on: the Dockerfile's `FROM node:X`, `.nvmrc` /
 * `.node-version`, or package.json `engines.node` when it names one major (`12.x`, `^14`, `16`; a bare
 * `>=8` is a floor, not where the app runs). Undefined when nothing says.
 */
export function projectNodeTarget(root: string): { major: number; where: string } | undefined {
  const found: { major: number; where: string }[] = [];
  const dockerfile = projectFile(root, 'Dockerfile');
  for (const match of dockerfile?.matchAll(/^\s*FROM\s+(?:--\S+\s+)*(?:\S+\/)?node:([a-z]+|\d+)/gim) ?? []) {
    const major = /^\d+$/.test(match[1]) ? Number(match[1]) : ltsCodenames[match[1].toLowerCase()];
    if (major) found.push({ major, where: `Dockerfile FROM node:${match[1]}` });
  }
  for (const name of ['.nvmrc', '.node-version']) {
    const major = /^\s*v?(\d+)/.exec(projectFile(root, name) ?? '')?.[1];
    if (major) found.push({ major: Number(major), where: `${name} ${major}` });
  }
  try {
    const engines = JSON.parse(projectFile(root, 'package.json') ?? '{}')?.engines?.node;
    const major =
      typeof engines === 'string' ? /^\s*[~^=v]*(\d+)(?:\.(?:x|\d+))*\s*$/.exec(engines)?.[1] : undefined;
    if (major) found.push({ major: Number(major), where: `package.json engines.node ${engines}` });
  } catch {
    // A package.json that does not parse says nothing about the Node version.
  }
  return found.sort((a, b) => a.major - b.major)[0];
}

/** What makes an app serve HTML pages: a view engine, static files, rendered templates. */
const pageSignals = [
  /\.set\(\s*['"]view engine['"]/,
  /\bexpress\.static\(/,
  /\bres\.render\(/,
  /\breply\.view\(/,
  /['"]@fastify\/(?:view|static)['"]|['"]point-of-view['"]/,
];

/** Where the project serves HTML pages (`src/app.js:12`), or undefined for an API. */
export function servesPages(root: string, file: string, fileText: string): string | undefined {
  const sources = [{ path: file, text: fileText }, ...projectSources(root)];
  for (const source of sources)
    for (const signal of pageSignals) {
      const match = signal.exec(source.text);
      if (match) return `${source.path}:${source.text.slice(0, match.index).split('\n').length}`;
    }
  return undefined;
}

/**
 * The oldest Node the modules `secure add` generates run on: helmet 8 and express-rate-limit 8 need 18 (and
 * the generated config uses `??=`).
 */
export const generatedModulesMinNode = 18;

/** Why generated modules would not run on the project's Node, or undefined. */
export function oldNodeBlocker(root: string, generator: string): string | undefined {
  const target = projectNodeTarget(root);
  if (!target || target.major >= generatedModulesMinNode) return undefined;
  return `the project runs on Node ${target.major} (${target.where}); the modules \`secure add ${generator}\` writes need Node ${generatedModulesMinNode} or later: upgrade Node first, or add a ${generator === 'headers' ? 'helmet' : 'rate limiter'} release that supports Node ${target.major} by hand`;
}
