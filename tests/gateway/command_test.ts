import assert from "node:assert/strict";
import { join } from "node:path";
import { addSecret, clearSecrets } from "../../lib/log.ts";
import { buildJavaCommand, gatewayEnv, MODULE_FLAGS } from "../../lib/gateway/command.ts";
import { isGatewayError } from "../../lib/gateway/errors.ts";
import { findInstall } from "../../lib/gateway/install.ts";
import { readVmOptions } from "../../lib/gateway/vmoptions.ts";
import { fakeInstall, tempDir } from "./_fixtures.ts";

function fixture(root: string) {
  fakeInstall(root, "10.45.1j", {
    jars: ["b.jar", "a.jar"],
    i4jParams: "-DjxBrowserKey=KEY123",
    vmoptions: "-Xmx768m\n-XX:+UseG1GC\n-DjtsConfigDir=/wrong\n-Dsun.java2d.noddraw=true\n",
  });
  const install = findInstall({ twsPath: root });
  return { install, vmOptions: readVmOptions(install.vmoptionsFile) };
}

Deno.test("the java argv: flags, classpath, vmoptions, properties, agent, main class, dir", () => {
  using tmp = tempDir();
  const { install, vmOptions } = fixture(tmp.path);
  const prog = install.programDir;
  const settings = join(tmp.path, "settings");
  const cmd = buildJavaCommand({
    install,
    java: "/jre/bin/java",
    javaMajor: 17,
    vmOptions,
    settingsDir: settings,
    heapMb: 1024,
    restartDir: "jedlhheopbnfkmneadhdelnnnbbhpbafhcpbgmal",
    agent: { jar: "/run/ibg/agent.jar", socket: "/run/ibg/agent-live.sock" },
  });
  assert.equal(cmd.command, "/jre/bin/java");
  const n = MODULE_FLAGS.length;
  assert.equal(n, 20);
  assert.deepEqual(cmd.args.slice(0, n), MODULE_FLAGS);
  assert.ok(cmd.args.includes("--add-opens=java.desktop/javax.swing=ALL-UNNAMED"));
  assert.ok(cmd.args.includes("--add-exports=java.desktop/sun.awt.X11=ALL-UNNAMED"));
  assert.deepEqual(cmd.args.slice(n, n + 2), [
    "-cp",
    [
      join(prog, "jars", "a.jar"),
      join(prog, "jars", "b.jar"),
      join(prog, ".install4j", "i4jruntime.jar"),
    ].join(":"),
  ]);
  assert.deepEqual(cmd.args.slice(n + 2), [
    "-Xmx1024m",
    "-XX:+UseG1GC",
    "-Dsun.java2d.noddraw=true",
    `-DjtsConfigDir=${settings}`,
    "-Dtwslaunch.autoupdate.serviceImpl=com.ib.tws.twslaunch.install4j.Install4jAutoUpdateService",
    "-Dchannel=latest",
    "-Dexe4j.isInstall4j=true",
    "-Dinstall4jType=standalone",
    "-DjxBrowserKey=KEY123",
    "-Drestart=jedlhheopbnfkmneadhdelnnnbbhpbafhcpbgmal",
    "-Djavax.accessibility.assistive_technologies=",
    "-Djava.net.preferIPv4Stack=true",
    "-javaagent:/run/ibg/agent.jar=/run/ibg/agent-live.sock",
    "ibgateway.GWClient",
    settings,
  ]);
  // Each launcher-owned property appears exactly once.
  assert.equal(cmd.args.filter((a) => a.startsWith("-DjtsConfigDir=")).length, 1);
  assert.equal(cmd.args.filter((a) => a.startsWith("-Xmx")).length, 1);
});

Deno.test("defaults: file heap kept, no restart, no agent; Java 8 gets no module flags", () => {
  using tmp = tempDir();
  const { install, vmOptions } = fixture(tmp.path);
  const cmd = buildJavaCommand({
    install,
    java: "java",
    javaMajor: 8,
    vmOptions,
    settingsDir: "/s",
  });
  assert.equal(cmd.args[0], "-cp");
  assert.ok(cmd.args.includes("-Xmx768m"));
  assert.ok(!cmd.args.some((a) => a.startsWith("-Drestart") || a.startsWith("-javaagent")));
  const unknown = buildJavaCommand({ install, java: "java", vmOptions, settingsDir: "/s" });
  assert.equal(unknown.args[0], MODULE_FLAGS[0]); // unknown version: assume 9+
});

Deno.test("the ATK bridge option replaces the empty assistive_technologies", () => {
  using tmp = tempDir();
  const { install, vmOptions } = fixture(tmp.path);
  const cmd = buildJavaCommand({
    install,
    java: "java",
    vmOptions,
    settingsDir: "/s",
    atkBridge: { jar: "/usr/share/java/java-atk-wrapper.jar", libDir: "/usr/lib/jni" },
  });
  const cp = cmd.args[cmd.args.indexOf("-cp") + 1];
  assert.ok(cp.endsWith(":/usr/share/java/java-atk-wrapper.jar"));
  assert.ok(
    cmd.args.includes(
      "-Djavax.accessibility.assistive_technologies=org.GNOME.Accessibility.AtkWrapper",
    ),
  );
  assert.ok(cmd.args.some((a) => a.startsWith("-Djava.library.path=/usr/lib/jni:")));
  assert.ok(!cmd.args.includes("-Djavax.accessibility.assistive_technologies="));
});

Deno.test("TWS runs jclient.LoginFrame", () => {
  using tmp = tempDir();
  fakeInstall(tmp.path, "1045", { product: "tws" });
  const install = findInstall({ twsPath: tmp.path, product: "tws" });
  const cmd = buildJavaCommand({ install, java: "java", vmOptions: [], settingsDir: "/s" });
  assert.deepEqual(cmd.args.slice(-2), ["jclient.LoginFrame", "/s"]);
});

Deno.test("a registered secret in argv is refused; a bad restart dir is refused", () => {
  using tmp = tempDir();
  const { install, vmOptions } = fixture(tmp.path);
  try {
    addSecret("hunter2-password");
    assert.throws(
      () =>
        buildJavaCommand({
          install,
          java: "java",
          vmOptions: [...vmOptions, "-Dpw=hunter2-password"],
          settingsDir: "/s",
        }),
      (e) => isGatewayError(e, "COMMAND_INVALID") && !e.message.includes("hunter2"),
    );
  } finally {
    clearSecrets();
  }
  assert.throws(
    () =>
      buildJavaCommand({ install, java: "java", vmOptions, settingsDir: "/s", restartDir: "../x" }),
    (e) => isGatewayError(e, "COMMAND_INVALID"),
  );
});

Deno.test("child env: Java option variables cleared unless kept; the rest inherited", () => {
  const parent = {
    DISPLAY: ":1",
    HOME: "/home/u",
    JAVA_TOOL_OPTIONS: "-agentlib:jdwp=transport=dt_socket",
    JDK_JAVA_OPTIONS: "-Xmx64m",
    _JAVA_OPTIONS: "-Dx=1",
    INSTALL4J_ADD_VM_PARAMS: "-javaagent:/x.jar",
  };
  assert.deepEqual(gatewayEnv(parent), { DISPLAY: ":1", HOME: "/home/u" });
  assert.deepEqual(gatewayEnv(parent, { keepJavaOptions: true }), parent);
});
