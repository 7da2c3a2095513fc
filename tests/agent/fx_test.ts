/**
 * JavaFX through the agent (agent/src/ibgpilot/agent/Fx.java, reflection only): a test-only
 * fixture (tests/agent/fx_fixture/FxMain.java) shows a Swing frame and a JavaFX stage titled
 * `Login Messages`, the window real Gateway draws with JavaFX. The agent must list the stage
 * next to the Swing frame, read its tree, type into it and click its button, both when loaded at
 * JVM start (-javaagent) and when attached later to a JVM started without it (run --attach).
 * Needs OpenJFX (`apt-get install openjfx`: /usr/share/openjfx/lib); skipped without it.
 */

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { attachAgent, attachHelper } from "../../lib/gateway/attach.ts";
import { connectAgent } from "../../lib/ui/agent/client.ts";
import type { ComponentNode, UiPort, WindowInfo } from "../../lib/ui/port.ts";
import { endChild } from "../support/process.ts";
import { startXvfb } from "../support/xvfb.ts";
import { agentJar, collectEvents, type FixtureLog, privateDir, Waiter } from "./harness.ts";

const FX_LIB = "/usr/share/openjfx/lib";
const FX_ARGS = ["--module-path", FX_LIB, "--add-modules", "javafx.controls"];
/** How long the JVM may take to show its windows, or a UI step to show its effect. */
const STEP_DEADLINE_MS = 20_000;
const here = dirname(fileURLToPath(import.meta.url));
const ignore = !existsSync(FX_LIB);

let compiled: Promise<string> | undefined;

/** Compiles the fixture once per run against the installed OpenJFX. */
function fixtureClasses(): Promise<string> {
  compiled ??= (async () => {
    const out = await Deno.makeTempDir({ prefix: "ibg-pilot-fx-fixture-" });
    const r = await new Deno.Command("javac", {
      args: ["--release", "17", ...FX_ARGS, "-d", out, join(here, "fx_fixture", "FxMain.java")],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!r.success) throw new Error(`javac FxMain failed:\n${new TextDecoder().decode(r.stderr)}`);
    return out;
  })();
  return compiled;
}

/** Starts the fixture JVM (with the agent at start, or without it) and reads its LOG lines. */
async function startFx(display: string, javaAgent?: string) {
  const classes = await fixtureClasses();
  const args = [...FX_ARGS, "-Dprism.order=sw"];
  if (javaAgent) args.push(`-javaagent:${javaAgent}`);
  const child = new Deno.Command("java", {
    args: [...args, "-cp", classes, "FxMain"],
    env: { DISPLAY: display },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const log = new Waiter<FixtureLog>();
  let err = "";
  (async () => {
    let buf = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.startsWith("LOG ")) log.push(JSON.parse(line.slice(4)));
      }
    }
  })().catch(() => {});
  (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) err += chunk;
  })().catch(() => {});
  return {
    pid: child.pid,
    log,
    stderr: () => err,
    async [Symbol.asyncDispose]() {
      await endChild(child, 3000);
    },
  };
}

function texts(n: ComponentNode, out: string[] = []): string[] {
  if (n.text) out.push(`${n.role}:${n.text}`);
  for (const c of n.children) texts(c, out);
  return out;
}

/** The JavaFX `Login Messages` stage: already listed, or announced by an event. */
async function fxStage(port: UiPort): Promise<WindowInfo> {
  const events = collectEvents(port);
  try {
    const listed = (await port.windows()).find((w) => w.title === "Login Messages");
    if (listed) return listed;
    const e = await events.wait(
      (e) => e.type === "window-opened" && e.window.title === "Login Messages",
      STEP_DEADLINE_MS,
      "the JavaFX Login Messages window",
    );
    return (e as Extract<typeof e, { type: "window-opened" }>).window;
  } finally {
    events.stop();
  }
}

/** The checks both tests make once the agent is connected. */
async function listReadTypeClick(port: UiPort, fx: Awaited<ReturnType<typeof startFx>>) {
  const stage = await fxStage(port);
  assert.equal(stage.toolkit, "javafx");
  assert.equal(stage.kind, "frame");
  const all = await port.windows();
  assert.ok(
    all.some((w) => w.toolkit === "swing" && w.title === "IBKR Gateway"),
    `the Swing frame is listed too: ${JSON.stringify(all.map((w) => w.title))}`,
  );

  const tree = await port.snapshot(stage.id);
  const seen = texts(tree);
  assert.ok(seen.includes("button:Resume login"), JSON.stringify(seen));
  assert.ok(seen.includes("label:Messages from IBKR before you continue"), JSON.stringify(seen));

  await port.setText(stage.id, { role: "text", index: 0 }, "noted");
  await fx.log.wait((l) => l.kind === "fx-text" && l.length === 5, STEP_DEADLINE_MS, "typed text");

  const events = collectEvents(port);
  try {
    await port.click(stage.id, { text: "Resume login" });
    await fx.log.wait((l) => l.kind === "fx-click", STEP_DEADLINE_MS, "the Resume login click");
    await events.wait(
      (e) => e.type === "window-closed" && e.windowId === stage.id,
      STEP_DEADLINE_MS,
      "the stage's window-closed event",
    );
  } finally {
    events.stop();
  }
}

Deno.test({
  name: "JavaFX: the agent lists, reads, types into and clicks a JavaFX Login Messages stage",
  ignore,
  async fn() {
    const xvfb = await startXvfb();
    const dir = await privateDir();
    try {
      const socket = join(dir, "agent.sock");
      await using fx = await startFx(xvfb.display, `${await agentJar()}=${socket}`);
      await fx.log.wait((l) => l.kind === "fx-shown", STEP_DEADLINE_MS, "the stage shown");
      const port = await connectAgent(socket, { helloDeadlineMs: STEP_DEADLINE_MS });
      try {
        await listReadTypeClick(port, fx);
      } finally {
        await port.close();
      }
    } finally {
      await xvfb.stop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test({
  name: "JavaFX after attach: the agent loaded into a running JVM finds the JavaFX stage",
  ignore,
  async fn() {
    const xvfb = await startXvfb();
    const dir = await privateDir();
    try {
      const socket = join(dir, "agent.sock");
      await using fx = await startFx(xvfb.display);
      await fx.log.wait((l) => l.kind === "fx-shown", STEP_DEADLINE_MS, "the stage shown");
      const jar = await agentJar();
      const r = await attachAgent({
        pid: fx.pid,
        agentJar: jar,
        agentOptions: socket,
        helper: attachHelper("java", jar, Deno.env.get("PATH")),
      });
      assert.equal(r.reply.agentReturn, 0);
      const port = await connectAgent(socket, { helloDeadlineMs: STEP_DEADLINE_MS });
      try {
        await listReadTypeClick(port, fx);
      } finally {
        await port.close();
      }
      assert.match(fx.stderr(), /JavaFX found; watching its windows/);
    } finally {
      await xvfb.stop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
