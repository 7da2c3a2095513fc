/**
 * A reader for Java `.properties` text with exactly the rules of `java.util.Properties.load`,
 * which is how IBC reads config.ini: ISO-8859-1 bytes; `#`/`!` comment lines; `=`, `:` or white
 * space between key and value; a line ending in an odd number of backslashes continues on the
 * next line (whose leading white space is dropped); `\t \n \r \f`, `\uXXXX` and `\<any>` escapes.
 * Each entry keeps the line number where it starts, for warnings. Later duplicates win, as in
 * Java; earlier ones are reported.
 */

import { NamedError } from "../util/errors.ts";

/** One key/value pair and where it starts. */
export interface PropertyEntry {
  key: string;
  value: string;
  line: number;
}

/** A malformed `\uXXXX` escape (Java throws IllegalArgumentException for it). */
export class PropertiesError extends NamedError {
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
  }
}

/** Bytes as ISO-8859-1 text (each byte is one character), as Properties.load(InputStream). */
export function decodeLatin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return s;
}

const WS = new Set([" ", "\t", "\f"]);

interface Logical {
  text: string;
  line: number;
}

/** Splits text into logical lines (comments and blank lines dropped, continuations joined). */
function logicalLines(text: string): Logical[] {
  const natural = text.split(/\r\n|\r|\n/);
  const out: Logical[] = [];
  let i = 0;
  while (i < natural.length) {
    const start = i;
    let line = stripLeading(natural[i++]);
    if (line === "" || line[0] === "#" || line[0] === "!") continue;
    let text = "";
    while (true) {
      const slashes = trailingBackslashes(line);
      if (slashes % 2 === 1) {
        text += line.slice(0, -1);
        if (i >= natural.length) break; // a continuation at end of input ends the line
        line = stripLeading(natural[i++]);
        continue;
      }
      text += line;
      break;
    }
    out.push({ text, line: start + 1 });
  }
  return out;
}

function stripLeading(s: string): string {
  let k = 0;
  while (k < s.length && WS.has(s[k])) k++;
  return s.slice(k);
}

function trailingBackslashes(s: string): number {
  let n = 0;
  for (let k = s.length - 1; k >= 0 && s[k] === "\\"; k--) n++;
  return n;
}

/** Resolves escapes in a key or value. */
function unescape(s: string, line: number): string {
  let out = "";
  for (let k = 0; k < s.length; k++) {
    const ch = s[k];
    if (ch !== "\\") {
      out += ch;
      continue;
    }
    k++;
    if (k >= s.length) break;
    const e = s[k];
    if (e === "u") {
      const hex = s.slice(k + 1, k + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        throw new PropertiesError(line, `malformed \\uxxxx escape "\\u${hex}"`);
      }
      out += String.fromCharCode(parseInt(hex, 16));
      k += 4;
    } else if (e === "t") out += "\t";
    else if (e === "n") out += "\n";
    else if (e === "r") out += "\r";
    else if (e === "f") out += "\f";
    else out += e;
  }
  return out;
}

/** Splits one logical line into key and value, as Properties.load does. */
function splitEntry(text: string, line: number): PropertyEntry {
  let k = 0;
  let hasSep = false;
  let keyEnd = text.length;
  while (k < text.length) {
    const ch = text[k];
    if (ch === "\\") {
      k += 2;
      continue;
    }
    if (ch === "=" || ch === ":") {
      keyEnd = k;
      hasSep = true;
      k++;
      break;
    }
    if (WS.has(ch)) {
      keyEnd = k;
      k++;
      break;
    }
    k++;
  }
  if (keyEnd === text.length) k = text.length;
  // Skip white space, then at most one = or : (if the key ended on white space), then white space.
  while (k < text.length && WS.has(text[k])) k++;
  if (!hasSep && k < text.length && (text[k] === "=" || text[k] === ":")) {
    k++;
    while (k < text.length && WS.has(text[k])) k++;
  }
  return {
    key: unescape(text.slice(0, keyEnd), line),
    value: unescape(text.slice(k), line),
    line,
  };
}

/** Every entry in file order (duplicates included). Throws {@link PropertiesError}. */
export function parsePropertiesEntries(text: string): PropertyEntry[] {
  return logicalLines(text).map((l) => splitEntry(l.text, l.line));
}
