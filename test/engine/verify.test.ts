import { describe, expect, it } from 'vitest';
import { parseSource } from '../../src/engine/parse.js';
import { decodeSource, encodeSource } from '../../src/engine/check-source.js';
import { earlyUses, staticProblem } from '../../src/engine/verify/index.js';

const uses = (code: string, path = 'a.js') =>
  earlyUses(parseSource(code, path).program).map((use) => `${use.name}@${use.line}<${use.declaredLine}`);

describe('module-level use before declaration', () => {
  it('finds a statement that runs before the const, let, class or require it reads', () => {
    expect(uses("app.use(cors());\nconst cors = require('cors');\n")).toEqual(['cors@1<2']);
    expect(uses("var helmet;\nuse(helmet);\nvar helmet = require('helmet');\n")).toEqual(['helmet@2<3']);
    expect(uses('const origins = settings.cors;\nlet settings = load();\n')).toEqual(['settings@1<2']);
    expect(uses('export const a = new Store();\nexport class Store {}\n', 'a.ts')).toEqual(['Store@1<2']);
  });

  it('leaves alone reads that run later, hoisted bindings and names that are not reads', () => {
    expect(uses("function start() { return cors(); }\nconst cors = require('cors');\n")).toEqual([]);
    expect(uses('app.get("/", (req, res) => res.send(db.all()));\nconst db = open();\n')).toEqual([]);
    expect(uses('use(helper);\nfunction helper() {}\n')).toEqual([]);
    expect(uses('use(x);\nvar x = 1;\n')).toEqual([]);
    expect(uses("import cors from 'cors';\napp.use(cors());\n")).toEqual([]);
    expect(uses('const a = { cors: 1 };\na.cors;\nconst cors = 2;\n')).toEqual([]);
    expect(uses('let n: Limiter;\nclass Limiter {}\n', 'a.ts')).toEqual([]);
  });

  it('refuses only what the change adds, and invalid JSON', () => {
    const before = "use(a);\nconst a = require('a');\n";
    expect(staticProblem({ path: '/p/a.js', before, after: `${before}b();\n` })).toBeUndefined();
    expect(staticProblem({ path: '/p/a.js', before, after: `b(c);\n${before}const c = 1;\n` })).toBe(
      'the change would use c on line 1 before its declaration on line 4 runs (a ReferenceError at start)',
    );
    expect(staticProblem({ path: '/p/package.json', before: '{}', after: '{"a":}' })).toMatch(
      /^the change would leave invalid JSON/,
    );
    expect(staticProblem({ path: '/p/a.ts', before: '', after: 'const = 1;' })).toMatch(
      /^the change would not parse \(line 1: /,
    );
  });
});

describe('byte-exact text', () => {
  it('decodes invalid UTF-8 byte for byte and writes the same bytes back', () => {
    const bytes = Buffer.from([0xef, 0xbb, 0xbf, 0x2f, 0x2f, 0xe9, 0x0a]);
    const decoded = decodeSource(bytes);
    expect(decoded).toMatchObject({ bom: true, encoding: 'latin1', text: '//\u00e9\n' });
    expect(encodeSource(decoded, decoded.text)?.equals(bytes)).toBe(true);
    expect(encodeSource(decoded, '// \u2713\n')).toBeUndefined();
  });
});
