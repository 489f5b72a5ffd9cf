import { appendFileSync } from 'node:fs';

/** Appends the package a loaded path belongs to (none for our own files) to LOADED_PACKAGES_FILE. */
export function record(path) {
  const at = path.lastIndexOf('/node_modules/');
  const file = process.env.LOADED_PACKAGES_FILE;
  if (at < 0 || !file) return;
  const [scope, name] = path.slice(at + '/node_modules/'.length).split('/');
  appendFileSync(file, `${scope.startsWith('@') ? `${scope}/${name}` : scope}\n`);
}
