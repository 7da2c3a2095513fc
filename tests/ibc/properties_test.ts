/** java.util.Properties rules, as IBC reads config.ini. */

import assert from "node:assert/strict";
import { decodeLatin1, parsePropertiesEntries, PropertiesError } from "../../lib/ibc/properties.ts";

/** The effective properties: the last duplicate wins, as in Java. */
const kv = (text: string) =>
  Object.fromEntries(parsePropertiesEntries(text).map((e) => [e.key, e.value]));

Deno.test("separators: =, :, white space, and white space around them", () => {
  assert.deepEqual(kv("a=1\nb:2\nc 3\nd = 4\ne : 5\nf\t=\t6\ng\n h  =  = 7"), {
    a: "1",
    b: "2",
    c: "3",
    d: "4",
    e: "5",
    f: "6",
    g: "",
    h: "= 7",
  });
});

Deno.test("comments (# and !) and blank lines; a # later on a line is data", () => {
  assert.deepEqual(kv("# c\n! c\n   # indented\n\n \t\nk=v # not a comment"), {
    k: "v # not a comment",
  });
});

Deno.test("continuations: odd trailing backslashes; next line's leading space dropped", () => {
  assert.deepEqual(kv("a=one \\\n    two\\\n   three\nb=ends\\\\\nc=x\\\n# not a comment\n"), {
    a: "one twothree",
    b: "ends\\",
    c: "x# not a comment",
  });
  // A comment line never continues.
  assert.deepEqual(kv("# comment \\\nk=v"), { k: "v" });
});

Deno.test("escapes: \\t \\n \\r \\f, \\uXXXX, escaped separators in keys, others literal", () => {
  assert.deepEqual(kv("k\\ ey\\=x\\:y=a\\tb\\nc\\rd\\fe\\u00e9\\u0041\\q\\\\"), {
    "k ey=x:y": "a\tb\nc\rd\feéAq\\",
  });
  assert.throws(() => parsePropertiesEntries("k=\\u12G4"), PropertiesError);
  assert.throws(() => parsePropertiesEntries("\n\nk=\\u12"), /line 3/);
});

Deno.test("ISO-8859-1 bytes, CR and CRLF line ends, line numbers, last duplicate wins", () => {
  const bytes = new Uint8Array([
    ...new TextEncoder().encode("a=caf"),
    0xe9,
    0x0d,
    0x0a,
    ...new TextEncoder().encode("b=1\rc=\\\r\n  2\na=again"),
  ]);
  const entries = parsePropertiesEntries(decodeLatin1(bytes));
  assert.deepEqual(entries.map((e) => [e.key, e.value, e.line]), [
    ["a", "café", 1],
    ["b", "1", 2],
    ["c", "2", 3],
    ["a", "again", 5],
  ]);
  assert.equal(kv(decodeLatin1(bytes)).a, "again");
});
