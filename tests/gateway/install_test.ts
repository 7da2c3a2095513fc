import assert from "node:assert/strict";
import { join } from "node:path";
import { isGatewayError } from "../../lib/gateway/errors.ts";
import {
  compactVersion,
  compareVersions,
  findInstall,
  installVersionOf,
  isVersionName,
  listInstalledVersions,
  parseJxBrowserKey,
} from "../../lib/gateway/install.ts";
import { fakeInstall, put, tempDir } from "./_fixtures.ts";

function expectError(fn: () => unknown, code: string, ...snippets: string[]): Error {
  try {
    fn();
  } catch (e) {
    assert.ok(isGatewayError(e), `expected GatewayError, got ${e}`);
    assert.equal(e.code, code, e.message);
    for (const s of snippets) assert.ok(e.message.includes(s), `"${s}" not in: ${e.message}`);
    assert.ok(e.message.includes("Fix: "), e.message);
    return e;
  }
  assert.fail("expected an error");
}

Deno.test("compareVersions orders numerically, not as strings", () => {
  const sorted = ["10.9.1a", "10.45.1j", "1019", "10.45.1c", "10.50.1d", "1045", "981", "10.45"]
    .sort(compareVersions);
  assert.deepEqual(sorted, [
    "981",
    "10.9.1a",
    "1019",
    "1045",
    "10.45",
    "10.45.1c",
    "10.45.1j",
    "10.50.1d",
  ]);
  assert.ok(compareVersions("10.100.1a", "10.99.1z") > 0);
  assert.ok(compareVersions("10.45.1", "10.45.1j") < 0);
});

Deno.test("compact names and version-like directory names", () => {
  assert.equal(compactVersion("10.45.1j"), "1045");
  assert.equal(compactVersion("10.9.1a"), "1009");
  assert.equal(compactVersion("1045"), "1045");
  for (const ok of ["1045", "10.45.1j", "10.19", "981"]) assert.ok(isVersionName(ok), ok);
  for (const no of ["ibgateway", "jts.ini", "45", "jedlhheopbnfkmneadhdelnnnbbhpbafhcpbgmal"]) {
    assert.ok(!isVersionName(no), no);
  }
});

Deno.test("newest installed version wins when TWS_MAJOR_VRSN is unset", () => {
  using tmp = tempDir();
  fakeInstall(tmp.path, "1019");
  fakeInstall(tmp.path, "10.9.1a");
  fakeInstall(tmp.path, "10.45.1j");
  fakeInstall(tmp.path, "1045");
  Deno.mkdirSync(join(tmp.path, "ibgateway", "10.99.1a")); // no jars/: not installed
  assert.deepEqual(listInstalledVersions(tmp.path, "gateway"), [
    "10.45.1j",
    "1045",
    "1019",
    "10.9.1a",
  ]);
  const inst = findInstall({ twsPath: tmp.path });
  assert.equal(inst.version, "10.45.1j");
  assert.equal(inst.programDir, join(tmp.path, "ibgateway", "10.45.1j"));
  assert.equal(inst.mainClass, "ibgateway.GWClient");
});

Deno.test("TWS_MAJOR_VRSN matches compact and full directory names both ways", () => {
  using tmp = tempDir();
  fakeInstall(tmp.path, "10.45.1j"); // gnzsnz image layout
  fakeInstall(tmp.path, "1019"); // IBKR installer default layout
  assert.equal(findInstall({ twsPath: tmp.path, majorVersion: "1045" }).version, "10.45.1j");
  assert.equal(findInstall({ twsPath: tmp.path, majorVersion: "10.45.1j" }).version, "10.45.1j");
  assert.equal(findInstall({ twsPath: tmp.path, majorVersion: "10.19.2a" }).version, "1019");
  assert.equal(findInstall({ twsPath: tmp.path, majorVersion: "1019" }).version, "1019");
});

Deno.test("default TWS_PATH is ~/Jts", () => {
  using tmp = tempDir();
  fakeInstall(join(tmp.path, "Jts"), "1045");
  assert.equal(findInstall({ home: tmp.path }).twsPath, join(tmp.path, "Jts"));
});

Deno.test("the full install: jars sorted, i4jruntime, vmoptions, jxBrowser key, launcher", () => {
  using tmp = tempDir();
  const prog = fakeInstall(tmp.path, "1045", {
    jars: ["z.jar", "a.jar", "m.jar"],
    i4jParams: `<variable name="x" value="-DjxBrowserKey=ABC.def-123 -Dother=1"/>`,
    launcher: true,
  });
  put(join(prog, "jars", "README.txt"), "not a jar");
  const inst = findInstall({ twsPath: tmp.path, majorVersion: "1045" });
  assert.deepEqual(inst.jars, ["a.jar", "m.jar", "z.jar"].map((j) => join(prog, "jars", j)));
  assert.equal(inst.i4jRuntimeJar, join(prog, ".install4j", "i4jruntime.jar"));
  assert.equal(inst.vmoptionsFile, join(prog, "ibgateway.vmoptions"));
  assert.equal(inst.jxBrowserKey, "ABC.def-123");
  assert.deepEqual(inst.launchers, [join(prog, "ibgateway")]);
  assert.equal(inst.foundAs, "gateway");
});

Deno.test("jxBrowser key parsing stops at quotes and spaces; absent key is undefined", () => {
  assert.equal(parseJxBrowserKey(`value="-DjxBrowserKey=K1"`), "K1");
  assert.equal(parseJxBrowserKey(`-DjxBrowserKey=K2 -Dx=y`), "K2");
  assert.equal(parseJxBrowserKey(`nothing here`), undefined);
  using tmp = tempDir();
  fakeInstall(tmp.path, "1045");
  assert.equal(findInstall({ twsPath: tmp.path }).jxBrowserKey, undefined);
});

Deno.test("Gateway falls back to a TWS install (and TWS to a Gateway install)", () => {
  using tmp = tempDir();
  const tws = fakeInstall(tmp.path, "1045", { product: "tws" });
  const gw = findInstall({ twsPath: tmp.path, product: "gateway", majorVersion: "1045" });
  assert.equal(gw.programDir, tws);
  assert.equal(gw.foundAs, "tws");
  assert.equal(gw.mainClass, "ibgateway.GWClient");
  assert.equal(gw.vmoptionsFile, join(tws, "tws.vmoptions"));

  using tmp2 = tempDir();
  fakeInstall(tmp2.path, "10.45.1j");
  const t = findInstall({ twsPath: tmp2.path, product: "tws" });
  assert.equal(t.foundAs, "gateway");
  assert.equal(t.mainClass, "jclient.LoginFrame");
});

Deno.test("missing pieces: each is one clear error with what, where and the fix", () => {
  using tmp = tempDir();
  expectError(
    () => findInstall({ twsPath: join(tmp.path, "nope") }),
    "INSTALL_NOT_FOUND",
    join(tmp.path, "nope"),
    "set TWS_PATH",
    "offline installer",
  );
  expectError(() => findInstall({}), "INSTALL_NOT_FOUND", "TWS_PATH");
  expectError(
    () => findInstall({ twsPath: tmp.path }),
    "INSTALL_NOT_FOUND",
    join(tmp.path, "ibgateway", "<version>", "jars"),
    "offline installer",
  );
  fakeInstall(tmp.path, "1019");
  expectError(
    () => findInstall({ twsPath: tmp.path, majorVersion: "1045" }),
    "INSTALL_NOT_FOUND",
    "1045 is not installed",
    join(tmp.path, "ibgateway", "1019"),
    "TWS_MAJOR_VRSN",
  );

  using t2 = tempDir();
  fakeInstall(t2.path, "1045", { jars: [] });
  Deno.mkdirSync(join(t2.path, "ibgateway", "1045", "jars"), { recursive: true });
  expectError(() => findInstall({ twsPath: t2.path }), "INSTALL_INCOMPLETE", "no .jar files");

  using t3 = tempDir();
  fakeInstall(t3.path, "1045", { i4jRuntime: false });
  expectError(
    () => findInstall({ twsPath: t3.path }),
    "INSTALL_INCOMPLETE",
    "i4jruntime.jar",
    "reinstall",
  );

  using t4 = tempDir();
  fakeInstall(t4.path, "1045", { vmoptions: null });
  expectError(() => findInstall({ twsPath: t4.path }), "INSTALL_INCOMPLETE", "ibgateway.vmoptions");
});

Deno.test("installVersionOf reads the version directory of a command line's jars", () => {
  const cp =
    "/home/u/Jts/ibgateway/1045/jars/jts4launch-1045.jar:/home/u/Jts/ibgateway/1045/jars/x.jar";
  assert.equal(installVersionOf(["java", "-cp", cp, "ibgateway.GWClient"]), "1045");
  assert.equal(
    installVersionOf(["java", "-classpath=/opt/ibgateway/10.45.1j/jars/*", "ibgateway.GWClient"]),
    "10.45.1j",
  );
  assert.equal(installVersionOf(["java", "-cp", "/opt/app/lib/jars/a.jar", "Main"]), undefined);
});
