import { projectFile, projectSources } from '../project/files.js';

const typeormType = /\btype\s*:\s*['"](postgres|cockroachdb|mysql|mariadb|sqlite|better-sqlite3)['"]/g;

/**
 * The placeholder family of the one database a TypeORM project connects to (`type: 'postgres'` in its
 * DataSource/createConnection options or ormconfig): `$1` for PostgreSQL, `?` for MySQL and SQLite.
 * Undefined when none or several are configured: the syntax cannot be proven.
 */
export function typeormPlaceholders(root: string): 'dollar' | 'question' | undefined {
  const families = new Set<string>();
  const texts = [
    ...projectSources(root).map((source) => source.text),
    projectFile(root, 'ormconfig.json') ?? '',
  ];
  for (const text of texts)
    for (const match of text.matchAll(typeormType))
      families.add(/postgres|cockroach/.test(match[1]) ? 'dollar' : 'question');
  return families.size === 1 ? ([...families][0] as 'dollar' | 'question') : undefined;
}
