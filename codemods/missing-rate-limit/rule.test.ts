import { describe } from 'vitest';
import { wiredFixtureTests } from '../../test/helpers/wired-fixtures.js';
import rule from './rule.js';

describe('missing-rate-limit: fixed by secure add rate-limit', () => {
  wiredFixtureTests(import.meta.dirname, rule, 'rate-limit');
});
