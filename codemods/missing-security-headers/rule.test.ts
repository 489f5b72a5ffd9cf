import { describe } from 'vitest';
import { wiredFixtureTests } from '../../test/helpers/wired-fixtures.js';
import rule from './rule.js';

describe('missing-security-headers: fixed by secure add headers', () => {
  wiredFixtureTests(import.meta.dirname, rule, 'headers');
});
