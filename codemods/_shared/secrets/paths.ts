/**
 * Where a file sits decides what its literals mean: test fixtures hold fake secrets on purpose, and
 * client code ships to every browser (frontend-secret reports those instead of hardcoded-secret).
 */

const testSegment =
  /(?:^|\/)(?:__tests__|__mocks__|__fixtures__|tests?|specs?|fixtures?|mocks?|e2e|cypress|playwright|stories|__snapshots__|testing|test-utils|testdata)\//i;
const testFile = /\.(?:test|spec|e2e|stories|story|fixture|fixtures|mock|mocks)\.[cm]?[jt]sx?$/i;

/** Test runners' own config (`playwright.config.ts` with `httpCredentials`), and Storybook. */
const testTooling =
  /(?:^|\/)(?:(?:cypress|playwright|jest|vitest|karma|wdio|protractor)\.config\.[cm]?[jt]s|\.storybook\/)/i;

export function isTestPath(relativePath: string): boolean {
  return testSegment.test(relativePath) || testFile.test(relativePath) || testTooling.test(relativePath);
}

/** Folders whose code is bundled for browsers. Next's `pages/api/` is server code. */
const clientSegment =
  /(?:^|\/)(?:client|frontend|front-end|public|static|components|hooks|browser|webapp|web-app|ui)\//i;
const nextPages = /(?:^|\/)pages\/(?!api\/)/;

export function isClientPath(relativePath: string): boolean {
  if (
    /(?:^|\/)(?:server|api|backend)\//i.test(relativePath) &&
    !/(?:^|\/)(?:client|frontend)\//i.test(relativePath)
  )
    return false;
  return clientSegment.test(relativePath) || (nextPages.test(relativePath) && /\.[jt]sx$/.test(relativePath));
}

/** A `'use client'` directive marks a React Server Components client module wherever it lives. */
export function hasUseClientDirective(program: { directives?: { value: { value: string } }[] }): boolean {
  return (program.directives ?? []).some((directive) => directive.value.value === 'use client');
}
