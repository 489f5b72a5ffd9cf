import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './boot.mjs';

/**
 * A private PostgreSQL for a project that boots only with one (`"postgres": "<database>"` in
 * add-projects.json): the machine's own server binaries, a fresh cluster in a temp folder on a free loopback
 * port, trust authentication (no password exists to leak), stopped and removed after the project. Never the
 * machine's cluster, which other work may use. Root cannot run PostgreSQL: it runs as the `postgres` user then.
 */
function serverBin() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const version = readdirSync(base)
    .sort((a, b) => Number(a) - Number(b))
    .at(-1);
  return version && join(base, version, 'bin');
}

export async function startPostgres(database) {
  const bin = serverBin();
  if (!bin) throw new Error('PostgreSQL server binaries are not installed (/usr/lib/postgresql/*/bin)');
  const asServer = (tool, args) => {
    const root = process.getuid?.() === 0;
    const [command, argv] = root
      ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]]
      : [join(bin, tool), args];
    return execFileSync(command, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  };
  const dir = mkdtempSync(join(tmpdir(), 'try-real-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  const user = 'try_real';
  asServer('initdb', ['-D', data, '-A', 'trust', '-U', user, '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  asServer('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  asServer('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', user, database]);
  return {
    env: { host: '127.0.0.1', port: String(port), user, database },
    stop() {
      try {
        asServer('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
