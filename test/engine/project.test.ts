import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectInfo, ProjectResolver } from '../../src/engine/project.js';
import { preparePolicyLoader } from '../../src/policy/lazy-load.js';
import { tempProject } from '../helpers/temp-repo.js';

describe('project facts', () => {
  // runCheck loads the validator when it meets a secure.config.json; these tests call projectInfo directly.
  beforeAll(preparePolicyLoader);

  it('reads the module system, the policy and the generated config module', () => {
    const dir = tempProject({
      'package.json': '{"type":"module"}',
      'secure.config.json': '{"jwt":{"accessTokenMinutes":15}}',
      '.secure/manifest.json': JSON.stringify({
        version: 1,
        files: { 'src/security/config.ts': { generator: 'config', version: '0.1.0', hash: 'sha256-x' } },
      }),
    });
    const info = projectInfo(dir);
    expect(info.moduleSystem).toBe('esm');
    expect(info.policy.jwt.accessTokenMinutes).toBe(15);
    expect(info.configModule).toBe(join(dir, 'src/security/config.ts'));
    expect(projectInfo(tempProject({ 'package.json': '{}' })).moduleSystem).toBe('cjs');
  });

  it('a bad secure.config.json is a configuration error naming the key', () => {
    const dir = tempProject({
      'package.json': '{}',
      'secure.config.json': '{"jwt":{"accessTokenMinutes":600}}',
    });
    expect(() => projectInfo(dir)).toThrow(/jwt\.accessTokenMinutes: 600 is over the rules' maximum/);
  });

  it('a file belongs to the nearest package.json below the git root, else to the git root', () => {
    const dir = tempProject({
      'package.json': '{}',
      'packages/api/package.json': '{}',
      'packages/api/src/a.ts': '',
      'tools/script.ts': '',
    });
    const resolver = new ProjectResolver(dir, dir);
    expect(resolver.rootOf(join(dir, 'packages/api/src/a.ts'))).toBe(join(dir, 'packages/api'));
    expect(resolver.rootOf(join(dir, 'tools/script.ts'))).toBe(dir);
    const bare = tempProject({ 'lib/x.ts': '' });
    expect(new ProjectResolver(bare, bare).rootOf(join(bare, 'lib/x.ts'))).toBe(bare);
  });
});
