import { posix } from 'node:path';
import { isTestPath } from '../_shared/secrets/paths.js';
import { projectSources, type ProjectSource } from '../_shared/project/files.js';

/**
 * Where the app writes, read from its code: a `USER node` container can only write where node owns the
 * folder, and everything `COPY` put there belongs to root. A folder is relative to the app's working
 * directory; `undefined` marks a write whose place cannot be told from the code.
 */
export interface WriteSite {
  /** The folder to hand to the user, relative to the working directory (`uploads`, `data/db`). */
  folder?: string;
  /** `src/upload.js:12`, for the report. */
  where: string;
  /** Why the folder is unknown (a path built at run time, the app's own folder). */
  problem?: string;
}

/** A path argument: a literal, a literal joined to __dirname / process.cwd(), or anything else (built at run time). */
const pathArgument = String.raw`(?:(['"\x60])(?<literal>[^'"\x60\n$]*)\1|(?:path\.)?(?:join|resolve)\(\s*(?<base>__dirname|process\.cwd\(\))\s*,\s*(['"\x60])(?<joined>[^'"\x60\n$]*)\4|(?<dynamic>[^\s,)]))`;
const writes = [
  // fs.writeFile('x'), createWriteStream(path.join(__dirname, 'logs', 'a.log')), mkdirSync(dir)...
  String.raw`\b(?:writeFile|writeFileSync|appendFile|appendFileSync|createWriteStream|mkdir|mkdirSync|copyFile|copyFileSync|outputFile|ensureDir|ensureDirSync)\s*\(\s*`,
  // multer({ dest }), diskStorage({ destination }), express-fileupload({ tempFileDir }), formidable uploadDir
  String.raw`\b(?:dest|destination|uploadDir|tempFileDir)\s*:\s*`,
  // diskStorage destination callback: cb(null, 'uploads/')
  String.raw`\bdestination\s*(?::\s*(?:function\s*)?\([^)]*\)\s*(?:=>)?\s*\{?[^}]*?|\([^)]*\)\s*\{[^}]*?)\bcb\(\s*null\s*,\s*`,
  // winston/pino file transports, Sequelize's SQLite storage, new sqlite3.Database('app.db'), file.mv('uploads/')
  String.raw`\b(?:filename|storage)\s*:\s*`,
  String.raw`\bnew\s+(?:\w+\.)?Database\(\s*`,
  String.raw`\.mv\(\s*`,
].map((head) => new RegExp(head + pathArgument, 'g'));

const sqlite = /\.(?:db|sqlite3?)$/i;
const fileLike = /\.[a-z0-9]{1,8}$/i;

/** The folder a written path lives in, relative to the working directory; undefined for the app's own folder. */
function folderOf(path: string, source: ProjectSource, fromDirname: boolean): WriteSite['folder'] | null {
  if (path.startsWith('/')) return path.startsWith('/tmp') || path.startsWith('/dev/') ? null : undefined;
  const base = fromDirname ? posix.dirname(source.path) : '.';
  let target = posix.normalize(posix.join(base, path.replace(/\/+$/, '')));
  // A file (log, database) means its folder; a bare name without an extension is a folder (multer dest).
  if (fileLike.test(target) || sqlite.test(target)) target = posix.dirname(target);
  if (target === '.' || target.startsWith('..')) return undefined;
  return target;
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** Every place the project's non-test code writes to disk, with the folder when it is a literal. */
export function writeSites(root: string): WriteSite[] {
  const sites: WriteSite[] = [];
  for (const source of projectSources(root)) {
    if (isTestPath(source.path) || /(^|\/)(scripts?|migrations?|seeders?|tools)\//.test(source.path))
      continue;
    for (const pattern of writes) {
      pattern.lastIndex = 0;
      for (const match of source.text.matchAll(pattern)) {
        const where = `${source.path}:${lineOf(source.text, match.index ?? 0)}`;
        const { literal, base, joined, dynamic } = match.groups ?? {};
        const named = /^\.?\s*(?:filename|storage|dest|destination|uploadDir|tempFileDir|new|mv)/.test(
          match[0],
        );
        if (dynamic !== undefined) {
          // `filename: (req, file, cb) => ...`, `storage: multer.memoryStorage()`: names, not places
          if (named) continue;
          sites.push({ where, problem: 'a path built at run time' });
          continue;
        }
        const text = joined ?? literal ?? '';
        if (/^(?:filename|storage)/.test(match[0]) && !(sqlite.test(text) || /\.log$/i.test(text))) continue;
        if (/^new/.test(match[0]) && !(sqlite.test(text) || text === ':memory:')) continue;
        if (text === ':memory:') continue;
        const folder = folderOf(text, source, base === '__dirname');
        if (folder === null) continue;
        sites.push(
          folder ? { folder, where } : { where, problem: `writes into the app's own folder (${text})` },
        );
      }
    }
  }
  return sites;
}
