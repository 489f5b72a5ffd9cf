/**
 * Where the validating call (`getSettings();`, wired above the app's creation) reads best: below the
 * project's own dotenv load when that comes later in the file (the project may load another file than
 * .env, which the validation must see), and set apart by a blank line from the code around it.
 */

// Handles: require('dotenv').config(), dotenv.config({ path: '.env.example' }), `config()` from dotenv, and
// dotenv.load(), config()'s alias until dotenv 7.
const dotenvLoad = /^(?:require\(\s*['"]dotenv['"]\s*\)|dotenv)\.(?:config|load)\(|^config\(.*\)\s*;?\s*$/;

export function placeStartupCall(text: string, name: string): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  const callLine = new RegExp(`^${name}\\(\\);?\\s*$`);
  const at = lines.findIndex((line) => callLine.test(line));
  // Only a top-level call: one inside a factory runs where the app is made.
  if (at === -1) return text;
  const loads = lines.flatMap((line, index) => (dotenvLoad.test(line) ? [index] : []));
  const lastLoad = loads.length === 0 ? -1 : loads[loads.length - 1];
  let call = at;
  // A bare `config()` counts only in a file that uses dotenv at all.
  if (lastLoad > at && /\bdotenv\b/.test(text)) {
    const [moved] = lines.splice(at, 1);
    call = lastLoad;
    lines.splice(call, 0, moved);
  }
  if (call + 1 < lines.length && lines[call + 1].trim() !== '') lines.splice(call + 1, 0, '');
  if (call > 0 && lines[call - 1].trim() !== '' && !dotenvLoad.test(lines[call - 1])) {
    lines.splice(call, 0, '');
  }
  return lines.join(eol);
}
