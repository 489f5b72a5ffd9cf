import { describe, expect, it } from 'vitest';
import { checkSource, fixSource } from '../../src/engine/analyze-source.js';
import { calleeName, staticValue } from '../../src/engine/ast-utils.js';
import type { ProjectInfo, SourceRule } from '../../src/engine/rule.js';
import { rulesPreset } from '../../src/policy/index.js';

const project: ProjectInfo = { root: '/p', policy: rulesPreset, moduleSystem: 'esm' };

// A toy rule: `debug(x)` with a non-constant argument becomes `debug('***')`.
const toyRule: SourceRule = {
  kind: 'source',
  meta: {
    id: 'toy',
    title: 'toy',
    description: 'toy',
    checklist: 'secrets',
    severity: 'low',
    cwe: [],
    fixable: true,
    hint: 'toy',
  },
  prefilter: /\bdebug\(/,
  create(context) {
    return {
      CallExpression(node) {
        if (calleeName(node) !== 'debug' || node.arguments.length !== 1) return;
        if (staticValue(node.arguments[0], context.ancestors)) return;
        context.report({
          node,
          message: 'debug of a dynamic value',
          fix: (api) => {
            api.pathOf(node.arguments[0]).replace(api.j.stringLiteral('***'));
          },
        });
      },
    };
  },
};

describe('analyze-source', () => {
  it('reports with 1-based positions and leaves constants alone', () => {
    const text = "const A = 'x';\ndebug(A);\n  debug(user.password);\n";
    const { findings } = checkSource(text, '/p/a.ts', [toyRule], project);
    expect(findings.map((f) => [f.line, f.column, f.endLine, f.endColumn])).toEqual([[3, 3, 3, 23]]);
  });

  it('fixes keeping CRLF, BOM, comments and untouched formatting', () => {
    const text = '\uFEFF// keep me\r\nfunction f(u) {\r\n    debug( u.password ) ;   // and me\r\n}\r\n';
    const result = fixSource(text, '/p/a.ts', [toyRule], project);
    expect(result.output).toBe(
      "\uFEFF// keep me\r\nfunction f(u) {\r\n    debug( '***' ) ;   // and me\r\n}\r\n",
    );
    expect(fixSource(result.output, '/p/a.ts', [toyRule], project).changed).toBe(false);
  });

  it('reports a file that does not parse instead of throwing', () => {
    const result = checkSource('debug(', '/p/a.ts', [toyRule], project);
    expect(result.parseError?.line).toBe(1);
  });

  it('parses JSX only in .tsx/.jsx and JS files, types only in TS files', () => {
    expect(checkSource('const a = <div/>; debug(a)', '/p/a.tsx', [toyRule], project).findings).toHaveLength(
      1,
    );
    expect(
      checkSource('const a = <T,>(x: T) => x; debug(a)', '/p/a.ts', [toyRule], project).findings,
    ).toHaveLength(1);
  });
});
