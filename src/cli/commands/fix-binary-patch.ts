import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';

// git's base85 alphabet (base85.c), and its line lengths: a letter for 1-26 bytes, then 27-52.
const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~';
const bytesPerLine = 52;

function base85(chunk: Uint8Array): string {
  let text = '';
  for (let offset = 0; offset < chunk.length; offset += 4) {
    let value = 0;
    for (let index = 0; index < 4; index++) value = value * 256 + (chunk[offset + index] ?? 0);
    let group = '';
    for (let index = 0; index < 5; index++) {
      group = alphabet[value % 85] + group;
      value = Math.floor(value / 85);
    }
    text += group;
  }
  return text;
}

function lengthLetter(length: number): string {
  return length <= 26
    ? String.fromCharCode('A'.charCodeAt(0) + length - 1)
    : String.fromCharCode('a'.charCodeAt(0) + length - 27);
}

/** One `literal` hunk: the whole content, deflated, in base85 lines. */
function literal(content: Uint8Array): string {
  const deflated = deflateSync(content);
  const lines = [`literal ${content.length}`];
  for (let offset = 0; offset < deflated.length; offset += bytesPerLine) {
    const chunk = deflated.subarray(offset, offset + bytesPerLine);
    lines.push(lengthLetter(chunk.length) + base85(chunk));
  }
  return `${lines.join('\n')}\n`;
}

function blobId(content: Uint8Array): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/**
 * A git binary patch of a file whose bytes are not UTF-8 (a Latin-1 comment): it is ASCII, so it survives a
 * terminal and a pipe as it is, and `git apply` writes exactly the bytes the real run would. The full index
 * line is required by git for binary patches.
 */
export function binaryFilePatch(
  name: string,
  before: Uint8Array,
  after: Uint8Array,
  mode = '100644',
): string {
  return [
    `diff --git a/${name} b/${name}`,
    `index ${blobId(before)}..${blobId(after)} ${mode}`,
    'GIT binary patch',
    literal(after),
    literal(before),
  ].join('\n');
}
