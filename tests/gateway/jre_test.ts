import assert from "node:assert/strict";
import { join } from "node:path";
import { isGatewayError } from "../../lib/gateway/errors.ts";
import { findJava, listI4jJres, parseJreCfg, readJavaMajor } from "../../lib/gateway/jre.ts";
import { fakeInstall, fakeJre, put, tempDir } from "./_fixtures.ts";

/** A program dir plus empty i4j_jres and PATH dirs, so no real system java leaks in. */
function setup(root: string) {
  const prog = fakeInstall(join(root, "Jts"), "1045");
  const i4jJresDir = join(root, "i4j_jres");
  const pathDir = join(root, "pathbin");
  Deno.mkdirSync(i4jJresDir);
  Deno.mkdirSync(pathDir);
  return { prog, i4jJresDir, pathEnv: pathDir };
}

Deno.test("each JRE source, in order, and which one won", () => {
  using tmp = tempDir();
  const { prog, i4jJresDir, pathEnv } = setup(tmp.path);
  const base = { programDir: prog, i4jJresDir, pathEnv };

  const home = join(tmp.path, "javahome");
  const homeJava = fakeJre(home);
  assert.equal(findJava({ ...base, javaHome: home }).source, "JAVA_HOME");
  assert.equal(findJava({ ...base, javaHome: home }).path, homeJava);

  const onPath = put(join(pathEnv, "java"), "#!/bin/sh\n", 0o755);
  assert.deepEqual(
    [findJava(base).source, findJava(base).path],
    ["PATH", onPath],
  );

  const i4j = fakeJre(join(i4jJresDir, "Oda-jK0Q", "17.0.16.0.101-zulu"));
  fakeJre(join(i4jJresDir, "Oda-jK0Q", "1.8.0_202"));
  const r = findJava(base);
  assert.deepEqual([r.source, r.path], ["i4j_jres", i4j]);

  const bundled = fakeJre(join(prog, "jre"));
  assert.deepEqual([findJava(base).source, findJava(base).path], ["bundled jre", bundled]);

  const instHome = join(tmp.path, "inst");
  const instJava = fakeJre(instHome);
  put(join(prog, ".install4j", "inst_jre.cfg"), `${instHome}\n`);
  assert.deepEqual([findJava(base).source, findJava(base).path], ["inst_jre.cfg", instJava]);

  const prefHome = join(tmp.path, "pref");
  const prefJava = fakeJre(prefHome);
  put(join(prog, ".install4j", "pref_jre.cfg"), `\n${prefHome}\r\nignored\n`);
  const pref = findJava(base);
  assert.deepEqual([pref.source, pref.path], ["pref_jre.cfg", prefJava]);
  assert.equal(pref.skipped[0].source, "JAVA_PATH");

  const explicit = fakeJre(join(tmp.path, "explicit"));
  assert.equal(findJava({ ...base, javaPath: explicit }).path, explicit); // the executable
  assert.equal(findJava({ ...base, javaPath: join(tmp.path, "explicit") }).path, explicit); // home
  assert.equal(findJava({ ...base, javaPath: join(tmp.path, "explicit", "bin") }).path, explicit);
  assert.equal(findJava({ ...base, javaPath: explicit }).source, "JAVA_PATH");
});

Deno.test("a cfg file naming a missing JRE is skipped with a reason", () => {
  using tmp = tempDir();
  const { prog, i4jJresDir, pathEnv } = setup(tmp.path);
  put(join(prog, ".install4j", "inst_jre.cfg"), "/home/root/Jts/ibgateway/1045/jre\n");
  const bundled = fakeJre(join(prog, "jre"));
  const r = findJava({ programDir: prog, i4jJresDir, pathEnv });
  assert.equal(r.path, bundled);
  const inst = r.skipped.find((s) => s.source === "inst_jre.cfg");
  assert.equal(inst?.reason, "names a JRE without bin/java");
});

Deno.test("an explicit JAVA_PATH that leads nowhere is an error, not a fallthrough", () => {
  using tmp = tempDir();
  const { prog, i4jJresDir, pathEnv } = setup(tmp.path);
  fakeJre(join(prog, "jre"));
  assert.throws(
    () => findJava({ programDir: prog, i4jJresDir, pathEnv, javaPath: "/nonexistent/java" }),
    (e) => isGatewayError(e, "JRE_NOT_FOUND") && e.message.includes("/nonexistent/java"),
  );
});

Deno.test("no JRE anywhere: one error listing every source tried", () => {
  using tmp = tempDir();
  const { prog, i4jJresDir, pathEnv } = setup(tmp.path);
  assert.throws(
    () => findJava({ programDir: prog, i4jJresDir, pathEnv }),
    (e) =>
      isGatewayError(e, "JRE_NOT_FOUND") &&
      ["JAVA_PATH", "pref_jre.cfg", "inst_jre.cfg", "bundled jre", "i4j_jres", "PATH", "JAVA_HOME"]
        .every((s) => e.message.includes(s)) &&
      e.message.includes("Fix: set JAVA_PATH"),
  );
});

Deno.test("i4j_jres: one and two levels deep, newest JRE first", () => {
  using tmp = tempDir();
  const a = fakeJre(join(tmp.path, "id1", "1.8.0_202"));
  const b = fakeJre(join(tmp.path, "id2", "17.0.17-zulu"));
  const c = fakeJre(join(tmp.path, "17.0.9"));
  assert.deepEqual(listI4jJres(tmp.path), [b, c, a]);
});

Deno.test("cfg parsing and the JRE major version from its release file", () => {
  assert.equal(parseJreCfg("\n  /opt/jre \nx"), "/opt/jre");
  assert.equal(parseJreCfg("\n\n"), undefined);
  using tmp = tempDir();
  assert.equal(readJavaMajor(fakeJre(join(tmp.path, "j17"), "17.0.15")), 17);
  assert.equal(readJavaMajor(fakeJre(join(tmp.path, "j8"), "1.8.0_202")), 8);
  assert.equal(readJavaMajor(fakeJre(join(tmp.path, "none"))), undefined);
  // JDK 8 layout: <jdk>/jre/bin/java with the release file in <jdk>.
  put(join(tmp.path, "jdk8", "release"), 'JAVA_VERSION="1.8.0_181"\n');
  assert.equal(readJavaMajor(fakeJre(join(tmp.path, "jdk8", "jre"))), 8);
});
