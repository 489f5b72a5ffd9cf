import type { ProjectInfo } from './rule.js';

/**
 * Which files are test code. Their findings are kept apart from the production code's (`secure check`
 * hides them unless `--include-tests`, `secure fix` leaves them alone), and the rules that judge the app
 * (headers, rate limit, CORS, WebSocket auth) never read them: an app a test builds is a harness, not the
 * app that serves. Test fixtures also hold fake secrets on purpose.
 */

const testSegment =
  /(?:^|\/)(?:__tests__|__mocks__|__fixtures__|tests?|specs?|fixtures?|mocks?|e2e|cypress|playwright|stories|__snapshots__|testing|test[-_]?utils|test[-_]?helpers|testdata|integration[-_]?tests?)\//i;
/** `x.test.ts`, `x.spec.js`, NestJS's `app.e2e-spec.ts`, Storybook stories, fixture and mock modules. */
const testFile =
  /\.(?:test|spec|e2e|e2e-spec|int-spec|stories|story|fixture|fixtures|mock|mocks)\.[cm]?[jt]sx?$/i;

/**
 * pytest's files: `test_*.py` and `*_test.py` it collects, and `conftest.py`, the fixtures it loads beside them
 * (rafsaf/minimal-fastapi-postgres-template keeps its test database setup in `app/conftest.py`).
 */
const pythonTestFile = /(?:^|\/)(?:test_[^/]*|[^/]*_test|conftest)\.py$/i;

/** Test runners' own config (`playwright.config.ts` with `httpCredentials`), and Storybook. */
const testTooling =
  /(?:^|\/)(?:(?:cypress|playwright|jest|vitest|karma|wdio|protractor)\.config\.[cm]?[jt]s|\.storybook\/)/i;

/**
 * The files a test runner loads before the tests, by their usual names: `jest.setup.ts`, `vitest.setup.ts`,
 * `setupTests.ts` (Create React App), `test-setup.ts`, `jest.global-setup.js`, `global-teardown.ts`.
 */
const setupFile =
  /(?:^|\/)(?:(?:jest|vitest|test)[.\-_]?(?:global[.\-_]?)?(?:setup|teardown)|setup[.\-_]?tests?|global[.\-_]?(?:setup|teardown))(?:\.[\w-]+)*\.[cm]?[jt]sx?$/i;

/** Whether a path (relative to its project root, with `/`) is test code by its name or folder. */
export function isTestPath(relativePath: string): boolean {
  return (
    testSegment.test(relativePath) ||
    testFile.test(relativePath) ||
    pythonTestFile.test(relativePath) ||
    testTooling.test(relativePath) ||
    setupFile.test(relativePath)
  );
}

/**
 * Whether a file of this project is test code: by its path, because the project itself sits in a test
 * folder of its repository (a fixture app under `test/fixtures/app/`), or because the project's test runner
 * config names it as a setup file.
 */
export function isTestFile(
  relativePath: string,
  project: Pick<ProjectInfo, 'testProject' | 'testSetupFiles'>,
): boolean {
  return (
    Boolean(project.testProject) ||
    isTestPath(relativePath) ||
    Boolean(project.testSetupFiles?.includes(relativePath))
  );
}
