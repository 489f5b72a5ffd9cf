import { describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../src/policy/index.js';
import {
  defaultPolicy,
  PolicyLoaderNeeded,
  policyOf,
  preparePolicyLoader,
} from '../../src/policy/lazy-load.js';
import { tempProject } from '../helpers/temp-repo.js';

describe('the policy of a project, without the validator when it has no config file', () => {
  it('is, key for key and in the same order, what validating an empty config gives', () => {
    // The order matters too: project facts are serialized into the cache key.
    expect(JSON.stringify(defaultPolicy())).toBe(JSON.stringify(resolvePolicy({})));
  });

  it('hands out a copy, so no project changes another one', () => {
    expect(defaultPolicy()).not.toBe(defaultPolicy());
    expect(defaultPolicy().cors.origins).not.toBe(defaultPolicy().cors.origins);
  });

  it('asks for the validator when a config file is there, and reads the file once it is loaded', async () => {
    const dir = tempProject({
      'package.json': '{}',
      'secure.config.json': '{"jwt":{"accessTokenMinutes":15}}',
    });
    expect(policyOf(tempProject({ 'package.json': '{}' })).jwt.accessTokenMinutes).toBe(30);
    expect(() => policyOf(dir)).toThrow(PolicyLoaderNeeded);
    await preparePolicyLoader();
    expect(policyOf(dir).jwt.accessTokenMinutes).toBe(15);
  });
});
