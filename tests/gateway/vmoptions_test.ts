import assert from "node:assert/strict";
import { join } from "node:path";
import { isGatewayError } from "../../lib/gateway/errors.ts";
import {
  parseVmOptions,
  propertyName,
  readVmOptions,
  withHeap,
  withoutProperties,
} from "../../lib/gateway/vmoptions.ts";
import { put, tempDir } from "./_fixtures.ts";

const GATEWAY_FILE = [
  "# Gateway's JVM options",
  "-Xmx768m",
  "-XX:+UseG1GC",
  "  -XX:MaxGCPauseMillis=200  ",
  "",
  "-include-options ${installer:sys.userHome}/extra.vmoptions",
  "-classpath/a /opt/x.jar",
  "-DvmOptionsPath=/home/u/Jts/ibgateway/1045/ibgateway.vmoptions",
  "-Dsun.java2d.noddraw=true\r",
  "-DjtsConfigDir=/wrong",
  "   # indented comment",
].join("\n");

Deno.test("parse: comments, blanks and install4j directives dropped, -D lines kept", () => {
  assert.deepEqual(parseVmOptions(GATEWAY_FILE), [
    "-Xmx768m",
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=200",
    "-DvmOptionsPath=/home/u/Jts/ibgateway/1045/ibgateway.vmoptions",
    "-Dsun.java2d.noddraw=true",
    "-DjtsConfigDir=/wrong",
  ]);
  assert.deepEqual(parseVmOptions(""), []);
});

Deno.test("read: from disk, and a clear error when unreadable", () => {
  using tmp = tempDir();
  const file = put(join(tmp.path, "ibgateway.vmoptions"), "-Xmx1g\n");
  assert.deepEqual(readVmOptions(file), ["-Xmx1g"]);
  assert.throws(
    () => readVmOptions(join(tmp.path, "missing.vmoptions")),
    (e) => isGatewayError(e, "VMOPTIONS_INVALID") && e.message.includes("missing.vmoptions"),
  );
});

Deno.test("JAVA_HEAP_SIZE replaces every -Xmx in place; unset keeps the file's", () => {
  const opts = ["-Xms256m", "-Xmx768m", "-XX:+UseG1GC", "-Xmx2g", "-XX:MaxHeapSize=1g"];
  assert.deepEqual(withHeap(opts, 1024), ["-Xms256m", "-Xmx1024m", "-XX:+UseG1GC"]);
  assert.deepEqual(withHeap(opts, undefined), opts);
  assert.deepEqual(withHeap(["-XX:+UseG1GC"], 512), ["-XX:+UseG1GC", "-Xmx512m"]);
  assert.throws(() => withHeap([], 12), (e) => isGatewayError(e, "VMOPTIONS_INVALID"));
  assert.throws(() => withHeap([], 1.5), (e) => isGatewayError(e, "VMOPTIONS_INVALID"));
});

Deno.test("launcher-owned properties are removed, others kept", () => {
  assert.equal(propertyName("-Dfoo=bar=baz"), "foo");
  assert.equal(propertyName("-Dflag"), "flag");
  assert.equal(propertyName("-Xmx1g"), undefined);
  assert.deepEqual(
    withoutProperties(["-DjtsConfigDir=/x", "-Dkeep=1", "-Drestart", "-Xmx1g"], [
      "jtsConfigDir",
      "restart",
    ]),
    ["-Dkeep=1", "-Xmx1g"],
  );
});
