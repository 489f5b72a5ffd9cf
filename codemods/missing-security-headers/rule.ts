import type { SourceRule } from '../../src/engine/rule.js';
import {
  frameworkLabel,
  importsAny,
  mayCreateApp,
  reportMissingControl,
  trackApps,
  withoutNestAppsControlledElsewhere,
} from '../_shared/app/instances.js';
import { oldNodeBlocker, servesPages } from '../_shared/project/runtime.js';
import { relativeToRoot } from '../_shared/secrets/paths.js';

/** Packages that set the rules' headers. */
const headerPackages = new Set(['helmet', '@fastify/helmet', 'fastify-helmet', 'lusca', 'koa-helmet']);
/** A local module named for headers: the generated `security/headers`, or the user's own. */
const headerModule = /^(security-?)?headers?(\.[cm]?[jt]s)?$|helmet/i;
/** The headers set by hand, as the rules' own example does. */
const handSetHeaders = /x-frame-options/i;

const rule: SourceRule = {
  kind: 'source',
  meta: {
    id: 'missing-security-headers',
    title: 'Express app or Fastify instance served without security headers (helmet)',
    description:
      'Without X-Content-Type-Options, X-Frame-Options DENY, a Content-Security-Policy and HSTS, browsers sniff ' +
      'content types, let other sites frame the API (clickjacking) and downgrade to plain HTTP.',
    checklist: 'https',
    severity: 'medium',
    cwe: [693, 1021],
    fixable: true,
    hint: 'Run `secure add headers`: helmet with frameguard DENY, an API CSP and HSTS in production, wired before the routes.',
  },
  // Only files that create the app: `express()`, `Fastify({...})`, `require('express')()`.
  prefilter: mayCreateApp,
  // An app a test builds (supertest over `express()`) is a harness: the production app is judged.
  productionOnly: true,
  create(context) {
    return trackApps(context, (apps, modules) => {
      if (importsAny(modules, headerPackages, headerModule) || handSetHeaders.test(context.text)) return;
      reportMissingControl(context, withoutNestAppsControlledElsewhere(context, apps, headerPackages), {
        generator: 'headers',
        perRoute: false,
        isControl: (name) => /helmet|headers/i.test(name),
        message: (app) =>
          `${frameworkLabel[app.framework]} \`${app.name}\` sends no security headers (no helmet)`,
        remedy: 'use helmet (or @fastify/helmet) with frameguard DENY before the routes',
        nestRemedy:
          'run `secure add headers` (it wires main.ts), or call app.use(helmet()) with frameguard DENY right after NestFactory.create',
        blocker: (context) => {
          const root = context.project.root;
          const pages = servesPages(root, relativeToRoot(context.file, root), context.text);
          // The generated CSP is an API's (default-src 'none'; form-action 'none'): it blanks a page.
          if (pages)
            return `this app serves HTML pages (${pages}), and the API CSP of \`secure add headers\` (default-src 'none'; form-action 'none') would block their scripts, styles and forms: add helmet with a page CSP (script-src, style-src and form-action 'self') by hand`;
          return oldNodeBlocker(root, 'headers');
        },
      });
    });
  },
};

export default rule;
