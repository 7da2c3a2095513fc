/**
 * Attach: the pure parts (command lines, request bytes, replies, /proc status, choosing the JVM)
 * and the real thing: a small JVM started WITHOUT an agent gets a test agent loaded through
 * HotSpot's attach handshake (the attach helper in our agent jar reads /proc and relays the
 * socket bytes), and the agent's marker file proves agentmain ran. Every JVM started here is
 * ended by its PID.
 */

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  attachAgent,
  attachHelper,
  catchesSigquit,
  chooseGatewayJvm,
  classifyCmdline,
  encodeAttachRequest,
  findGatewayJvm,
  gatewayJvmsIn,
  javaMainClass,
  listProcesses,
  parseAttachReply,
  parseCmdline,
  parseProcStatus,
  type ProcessInfo,
} from "../../lib/gateway/attach.ts";
import { isGatewayError } from "../../lib/gateway/errors.ts";
import { ROOT } from "../support/cli.ts";
import { put, tempDir } from "./_fixtures.ts";

const uid = Deno.uid()!;
/** The helper runs from the agent jar the build embeds (deno task agent). */
const helper = attachHelper(
  "java",
  join(ROOT, "lib/ui/agent/ibg-pilot-agent.jar"),
  Deno.env.get("PATH"),
);

// ---- pure parts -------------------------------------------------------------------------------

Deno.test("cmdline: main class after options with values; Gateway, TWS, install4j, restarter", () => {
  assert.deepEqual(parseCmdline("java\0-cp\0a.jar\0Main\0"), ["java", "-cp", "a.jar", "Main"]);
  assert.deepEqual(javaMainClass(["java", "-cp", "x", "--add-opens", "a/b=ALL", "-Xmx1g", "M"]), {
    main: "M",
    index: 6,
  });
  assert.equal(javaMainClass(["java", "-jar", "app.jar"])?.main, "jar:app.jar");

  const gw = classifyCmdline([
    "/usr/local/i4j_jres/x/bin/java",
    "-cp",
    "ibgateway.GWClient.jar",
    "-DjtsConfigDir=/home/u/Jts",
    "-javaagent:/a.jar=/s.sock",
    "ibgateway.GWClient",
    "/home/u/Jts",
  ]);
  assert.deepEqual(gw, {
    product: "gateway",
    via: "java",
    settingsDir: "/home/u/Jts",
    javaAgents: ["/a.jar=/s.sock"],
  });
  assert.equal(classifyCmdline(["java", "-cp", "x", "jclient.LoginFrame", "/j"])?.product, "tws");
  const i4j = classifyCmdline([
    "/jre/bin/java",
    "-Dinstall4j.jvmDir=/jre",
    "-classpath",
    "/i4jruntime.jar",
    "com.install4j.runtime.launcher.UnixLauncher",
    "launch",
    "0",
    "",
    "",
    "ibgateway.GWClient",
  ]);
  assert.deepEqual([i4j?.product, i4j?.via], ["gateway", "install4j"]);
  assert.equal(
    classifyCmdline(["java", "-Dinstall4j.alternativeLogfile=x", "ibgateway.GWClient"]),
    undefined,
  );
  assert.equal(classifyCmdline(["/bin/sh", "ibgateway.GWClient"]), undefined);
  assert.equal(classifyCmdline(["java", "-cp", "ibgateway.GWClient", "Other"]), undefined);
});

Deno.test("attach request bytes: version 1, command, exactly three NUL-terminated args", () => {
  const bytes = encodeAttachRequest("load", ["instrument", "false", "/a.jar=/s"]);
  assert.equal(new TextDecoder().decode(bytes), "1\0load\0instrument\0false\0/a.jar=/s\0");
  assert.equal(
    new TextDecoder().decode(encodeAttachRequest("properties", [])),
    "1\0properties\0\0\0\0",
  );
  assert.throws(() => encodeAttachRequest("load", ["a\0b"]));
});

Deno.test("attach replies: result code, then the agent's return code", () => {
  assert.deepEqual(parseAttachReply("0\nreturn code: 0\n"), {
    code: 0,
    agentReturn: 0,
    message: "return code: 0",
  });
  assert.equal(parseAttachReply("0\nreturn code: 102\n").agentReturn, 102);
  assert.equal(parseAttachReply("0\n100\n").agentReturn, 100);
  const bad = parseAttachReply("101\nOperation not supported\n");
  assert.deepEqual([bad.code, bad.agentReturn, bad.message], [
    101,
    undefined,
    "Operation not supported",
  ]);
});

Deno.test("/proc status: effective uid, innermost NSpid, SIGQUIT caught, state", () => {
  const s = parseProcStatus(
    "Name:\tjava\nState:\tS (sleeping)\nUid:\t1000\t1001\t1000\t1000\nNSpid:\t4242\t7\n" +
      "SigCgt:\t0000000181005ccf\n",
  );
  assert.equal(s.uid, 1001);
  assert.deepEqual(s.nspids, [4242, 7]);
  assert.equal(s.state, "S");
  assert.ok(catchesSigquit(s));
  assert.ok(!catchesSigquit(parseProcStatus("Uid:\t0\t0\t0\t0\nSigCgt:\t0000000000000000\n")));
});

function proc(pid: number, argv: string[], procUid: number): ProcessInfo {
  return {
    pid,
    argv,
    status: parseProcStatus(`Uid:\t${procUid}\t${procUid}\t${procUid}\t${procUid}\n`),
  };
}

Deno.test("choosing the JVM: one, none, several, other users, explicit PID", () => {
  const procs = [
    proc(100, ["java", "-DjtsConfigDir=/a", "ibgateway.GWClient"], 1000),
    proc(200, ["java", "some.Other"], 1000),
    proc(300, ["/bin/bash"], 1000),
    proc(400, ["java", "jclient.LoginFrame"], 2000),
  ];
  assert.deepEqual(gatewayJvmsIn(procs).map((c) => c.pid), [100, 400]);
  assert.deepEqual(gatewayJvmsIn(procs, 1000).map((c) => c.pid), [100]);
  const one = chooseGatewayJvm(procs, { uid: 1000 });
  assert.deepEqual([one.pid, one.settingsDir], [100, "/a"]);

  assert.throws(
    () => chooseGatewayJvm(procs, { uid: 3000 }),
    (e) =>
      isGatewayError(e, "ATTACH_NO_JVM") && e.message.includes("pid 100") &&
      e.message.includes("pid 400"),
  );
  const more = [...procs, proc(500, ["java", "ibgateway.GWClient"], 1000)];
  assert.throws(
    () => chooseGatewayJvm(more, { uid: 1000 }),
    (e) =>
      isGatewayError(e, "ATTACH_AMBIGUOUS") && e.message.includes("pid 100") &&
      e.message.includes("pid 500") && e.fix.includes("--attach <PID>"),
  );
  // Of several, the one that uses TWS_SETTINGS_PATH (only if exactly one does).
  const dirs = [...more, proc(600, ["java", "-DjtsConfigDir=/b/", "ibgateway.GWClient"], 1000)];
  assert.equal(chooseGatewayJvm(dirs, { uid: 1000, settingsDir: "/b" }).pid, 600);
  assert.equal(chooseGatewayJvm(dirs, { uid: 1000, settingsDir: "/a" }).pid, 100);
  assert.throws(
    () => chooseGatewayJvm(dirs, { uid: 1000, settingsDir: "/c" }),
    (e) => isGatewayError(e, "ATTACH_AMBIGUOUS") && e.fix.includes("TWS_SETTINGS_PATH"),
  );
  const only = (pid: number) => procs.filter((p) => p.pid === pid);
  assert.throws(
    () => chooseGatewayJvm(only(200), { pid: 200, uid: 1000 }),
    (e) =>
      isGatewayError(e, "ATTACH_NO_JVM") && e.message.includes("not IB Gateway") &&
      e.message.includes("some.Other"),
  );
  assert.equal(chooseGatewayJvm(only(200), { pid: 200, uid: 1000, anyJvm: true }).pid, 200);
  assert.throws(
    () => chooseGatewayJvm(only(300), { pid: 300, uid: 1000 }),
    (e) => isGatewayError(e, "ATTACH_NO_JVM") && e.message.includes("not a Java VM (bash)"),
  );
  assert.throws(
    () => chooseGatewayJvm(only(400), { pid: 400, uid: 1000 }),
    (e) => isGatewayError(e, "ATTACH_OTHER_USER") && e.message.includes("uid 2000"),
  );
  assert.equal(chooseGatewayJvm(only(400), { pid: 400, uid: 0 }).pid, 400); // root may
  assert.throws(
    () => chooseGatewayJvm([], { pid: 999, uid: 1000 }),
    (e) => isGatewayError(e, "ATTACH_NO_JVM") && e.message.includes("No process 999"),
  );
});

// ---- the real handshake -----------------------------------------------------------------------

const SLEEPER = `package ibgateway;
public class GWClient {
  public static void main(String[] args) throws Exception {
    System.out.println("started");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
`;

const AGENT = `package testagent;
import java.lang.instrument.Instrumentation;
import java.nio.file.*;
public class Agent {
  public static void agentmain(String args, Instrumentation inst) throws Exception {
    Files.writeString(Path.of(args), "attached " + ProcessHandle.current().pid());
  }
}
`;

const FAILING_AGENT = `package testagent;
import java.lang.instrument.Instrumentation;
public class Failing {
  public static void agentmain(String args, Instrumentation inst) {
    throw new IllegalStateException("agent refuses");
  }
}
`;

async function run(cmd: string, args: string[], cwd: string): Promise<void> {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
}

/** Compiles the sleeper and two agent jars once per test file. */
async function build(dir: string) {
  put(join(dir, "src", "ibgateway", "GWClient.java"), SLEEPER);
  put(join(dir, "src", "testagent", "Agent.java"), AGENT);
  put(join(dir, "src", "testagent", "Failing.java"), FAILING_AGENT);
  await run("javac", [
    "--release",
    "17",
    "-d",
    "classes",
    "src/ibgateway/GWClient.java",
    "src/testagent/Agent.java",
    "src/testagent/Failing.java",
  ], dir);
  put(join(dir, "agent.mf"), "Agent-Class: testagent.Agent\n");
  put(join(dir, "failing.mf"), "Agent-Class: testagent.Failing\n");
  await run("jar", ["cfm", "agent.jar", "agent.mf", "-C", "classes", "testagent"], dir);
  await run("jar", ["cfm", "failing.jar", "failing.mf", "-C", "classes", "testagent"], dir);
  return {
    classes: join(dir, "classes"),
    agentJar: join(dir, "agent.jar"),
    failingJar: join(dir, "failing.jar"),
  };
}

/** Starts the sleeper JVM (no agent) and resolves once it printed `started`. */
async function startJvm(cwd: string, classes: string, extra: string[] = []) {
  const child = new Deno.Command("java", {
    args: [...extra, "-cp", classes, `-DjtsConfigDir=${cwd}`, "ibgateway.GWClient", cwd],
    cwd,
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.getReader();
  let text = "";
  while (!text.includes("started")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the test JVM exited before printing started");
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  // Keep draining: SIGQUIT-free attach prints nothing, but a thread dump would fill the pipe.
  child.stdout.pipeTo(new WritableStream()).catch(() => {});
  return {
    child,
    async [Symbol.asyncDispose]() {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
      await child.status;
    },
  };
}

Deno.test("attach for real: load a test agent into a JVM started without one", async (t) => {
  using tmp = tempDir();
  const t0 = performance.now();
  const { classes, agentJar, failingJar } = await build(tmp.path);
  console.log(`  (javac + jar: ${Math.round(performance.now() - t0)} ms)`);

  await using jvm = await startJvm(tmp.path, classes);
  const pid = jvm.child.pid;

  await t.step("it is found by its command line, through the helper", async () => {
    const t1 = performance.now();
    const found = gatewayJvmsIn(await listProcesses(helper), uid).find((c) => c.pid === pid);
    console.log(`  (helper ps: ${Math.round(performance.now() - t1)} ms)`);
    assert.ok(found, "our JVM is listed");
    assert.deepEqual([found.product, found.via, found.settingsDir], ["gateway", "java", tmp.path]);
    assert.equal((await findGatewayJvm({ pid, uid, helper })).pid, pid);
  });

  await t.step("first attach: .attach_pid + SIGQUIT + socket + load; marker written", async () => {
    const marker = join(tmp.path, "marker-1");
    const t1 = performance.now();
    const r = await attachAgent({ pid, agentJar, agentOptions: marker, helper });
    console.log(`  (first attach: ${Math.round(performance.now() - t1)} ms)`);
    assert.equal(r.triggered, true);
    assert.equal(r.reply.code, 0);
    assert.equal(r.reply.agentReturn, 0);
    assert.equal(Deno.readTextFileSync(marker), `attached ${pid}`);
    assert.ok(
      !existsSync(`/tmp/.attach_pid${pid}`),
      "the attach trigger file is cleaned up",
    );
  });

  await t.step("second attach reuses the running attach listener (no SIGQUIT)", async () => {
    const marker = join(tmp.path, "marker-2");
    const r = await attachAgent({ pid, agentJar, agentOptions: marker, helper });
    assert.equal(r.triggered, false);
    assert.equal(Deno.readTextFileSync(marker), `attached ${pid}`);
  });

  await t.step("an agent whose agentmain throws is a clear ATTACH_FAILED", async () => {
    await assert.rejects(
      () => attachAgent({ pid, agentJar: failingJar, agentOptions: "x", helper }),
      (e) => isGatewayError(e, "ATTACH_FAILED") && /return code \d+/.test(e.message),
    );
  });

  await t.step("a jar the JVM cannot see is refused before anything is sent", async () => {
    await assert.rejects(
      () => attachAgent({ pid, agentJar: join(tmp.path, "missing.jar"), helper }),
      (e) => isGatewayError(e, "ATTACH_FAILED") && e.message.includes("missing.jar"),
    );
  });
});

Deno.test("a stale /tmp/.java_pid<pid> left by an earlier JVM with this PID is replaced", async () => {
  using tmp = tempDir();
  const { classes, agentJar } = await build(tmp.path);
  await using jvm = await startJvm(tmp.path, classes);
  const pid = jvm.child.pid;
  // A socket file nobody listens on, as a SIGKILLed JVM leaves behind (Deno's listener would
  // unlink its file on close; Python's does not).
  const stale = `/tmp/.java_pid${pid}`;
  await run("python3", [
    "-c",
    `import socket; socket.socket(socket.AF_UNIX).bind(${JSON.stringify(stale)})`,
  ], tmp.path);
  assert.ok(Deno.lstatSync(stale).isSocket, "the stale socket file is there");
  const marker = join(tmp.path, "marker");
  const r = await attachAgent({ pid, agentJar, agentOptions: marker, helper });
  assert.equal(r.triggered, true, "the listener was started after the stale file was removed");
  assert.equal(Deno.readTextFileSync(marker), `attached ${pid}`);
});

Deno.test("attach refused: -XX:+DisableAttachMechanism is reported without sending SIGQUIT", async () => {
  using tmp = tempDir();
  const { classes, agentJar } = await build(tmp.path);
  await using jvm = await startJvm(tmp.path, classes, ["-XX:+DisableAttachMechanism"]);
  await assert.rejects(
    () => attachAgent({ pid: jvm.child.pid, agentJar, agentOptions: join(tmp.path, "m"), helper }),
    (e) => isGatewayError(e, "ATTACH_REFUSED") && e.message.includes("DisableAttachMechanism"),
  );
  assert.ok(Deno.statSync(`/proc/${jvm.child.pid}`).isDirectory, "the JVM is still alive");
});

Deno.test("attach to something that is not a JVM, or not running", async () => {
  using tmp = tempDir();
  const jar = put(join(tmp.path, "a.jar"), "PK");
  const sleep = new Deno.Command("sleep", { args: ["300"] }).spawn();
  try {
    await assert.rejects(
      () => attachAgent({ pid: sleep.pid, agentJar: jar, helper }),
      (e) => isGatewayError(e, "ATTACH_NO_JVM") && e.message.includes("not a Java VM"),
    );
  } finally {
    sleep.kill("SIGKILL");
    await sleep.status;
  }
  await assert.rejects(
    () => attachAgent({ pid: sleep.pid, agentJar: jar, helper }),
    (e) => isGatewayError(e, "ATTACH_NO_JVM") && e.message.includes("not running"),
  );
});
