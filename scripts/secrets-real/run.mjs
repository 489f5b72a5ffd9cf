// Runs the secret rules over real projects at pinned commits, exported from fetched mirrors into a temp
// folder (never into this repository), and prints every finding for a reviewer to read.
// Usage: npm run build && node scripts/secrets-real/run.mjs [name...]
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportProject, mirrorGitDir } from '../try-real/export.mjs';

const projects = [
  { name: 'nodegoat', mirror: 'OWASP+NodeGoat', commit: 'c5cb68a7084e4ae7dcc60e6a98768720a81841e8' },
  { name: 'dvna', mirror: 'appsecco+dvna', commit: '9ba473add536f66ac9007966acb2a775dd31277a' },
  {
    name: 'nodejs-goof',
    mirror: 'snyk-labs+nodejs-goof',
    commit: 'add14ba59e98240d9e00a235dd7d42cd61ae9912',
  },
  {
    name: 'devconnector',
    mirror: 'bradtraversy+devconnector_2.0',
    commit: '0da5372c1f26d5e3f7d419844b4c23e9872909b1',
  },
  { name: 'kutt', mirror: 'thedevs-network+kutt', commit: 'fc832d7e7243d5472714e17abfe84b908901e1a7' },
  { name: 'uptime-kuma', mirror: 'louislam+uptime-kuma', commit: '6398a9581d1c3c427a7536559f47ccf45dac08b4' },
  { name: 'outline', mirror: 'outline+outline', commit: 'd77dcdf853868c5d5fe125c895c9b71f0eff5c68' },
  { name: 'umami', mirror: 'umami-software+umami', commit: 'c0ea3aefbee7a3429ee2f824b06dc4a9dbe0b7e1' },
  {
    name: 'hackathon-starter',
    mirror: 'sahat+hackathon-starter',
    commit: 'dbcac7a7b159bf6b8e93eb071a6f066c0b0ab6c8',
  },
];
const rules = [
  'hardcoded-secret',
  'frontend-secret',
  'default-password',
  'env-committed',
  'docker-secret',
  'docker-root',
];
const secure = join(import.meta.dirname, '..', '..', 'dist', 'src', 'bin', 'secure.js');
const wanted = process.argv.slice(2);
const parent = mkdtempSync(join(tmpdir(), 'secure-secrets-'));

for (const project of projects.filter((p) => wanted.length === 0 || wanted.includes(p.name))) {
  if (!mirrorGitDir(project.mirror)) {
    console.log(`${project.name}: not fetched (fetch github:${project.mirror.replace('+', '/')})`);
    continue;
  }
  const dir = exportProject(project, parent);
  // A git repository, so that env-committed sees what the project tracks.
  execFileSync('git', ['init', '-q'], { cwd: dir });
  execFileSync('git', ['add', '-A', '-f'], { cwd: dir });
  execFileSync(
    'git',
    ['-c', 'user.email=r@example.invalid', '-c', 'user.name=r', 'commit', '-qm', 'export'],
    { cwd: dir },
  );
  let stdout;
  try {
    stdout = execFileSync(
      'node',
      [secure, 'check', '--no-cache', '--format', 'json', ...rules.flatMap((r) => ['--rule', r])],
      {
        cwd: dir,
        maxBuffer: 1 << 26,
      },
    ).toString();
  } catch (error) {
    stdout = error.stdout?.toString() ?? '';
  }
  const report = JSON.parse(stdout);
  console.log(
    `\n## ${project.name} (${project.mirror} @ ${project.commit.slice(0, 8)}): ${report.findings.length} findings`,
  );
  for (const f of report.findings) console.log(`${f.file}:${f.line} ${f.rule}  ${f.message}`);
}
console.log(`\nexported under ${parent}`);
