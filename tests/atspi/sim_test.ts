/**
 * The AT-SPI adapter against the gateway simulator (tests/gateway-sim), one JVM for the file:
 * 1. cross-check: ibg-pilot's AT-SPI view of the login frame names the same windows and
 *    components as python3-pyatspi's on the same run;
 * 2. a paper + TOTP login driven only through `AtspiPort` (toggle, two text fields, click, the 2FA
 *    dialog's unnamed code field by index, the paper warning), asserted on the simulator's event
 *    log, up to the API port listening.
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openAtspiPort } from "../../lib/ui/atspi/port.ts";
import type { AtspiPort } from "../../lib/ui/atspi/port.ts";
import type { ComponentNode, WindowInfo } from "../../lib/ui/port.ts";
import { totpAt } from "../../lib/totp/mod.ts";
import { installSimGateway } from "../gateway-sim/install.ts";
import { launchSim, NO_DELAYS } from "../gateway-sim/run.ts";
import { type SimEvent, waitForSimEvent } from "../gateway-sim/events.ts";
import { bridgeArgs, startDesktop } from "./harness.ts";
import { pollUntil } from "../support/poll.ts";

const PASSWORD = "Sim-Pa55word!";
const SECRET = "JBSWY3DPEHPK3PXP";
const SCENARIO = {
  delays: NO_DELAYS,
  credentials: { username: "simuser", password: PASSWORD },
  twofa: { kind: "totp", secret: SECRET },
};

function assert(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(msg);
}

/** Resolves with the showing window titled `title` (already open or opening), within `ms`. */
async function windowTitled(port: AtspiPort, title: string, ms = 20_000): Promise<WindowInfo> {
  let off = () => {};
  try {
    const opened = new Promise<WindowInfo>((resolve) => {
      off = port.onEvent((e) => {
        if (e.type === "window-opened" && e.window.title === title) resolve(e.window);
      });
    });
    const now = (await port.windows()).find((w) => w.title === title);
    if (now) return now;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`window "${title}" not seen in ${ms} ms`)), ms);
    });
    return await Promise.race([opened, timeout]).finally(() => clearTimeout(timer));
  } finally {
    off();
  }
}

/** Polls the tree until a node satisfies `pred` (a dialog may swap its content), within `ms`. */
async function treeHas(
  port: AtspiPort,
  id: string,
  pred: (n: ComponentNode) => boolean,
  what: string,
  ms = 10_000,
) {
  await pollUntil(async () => {
    const all: ComponentNode[] = [];
    const walk = (n: ComponentNode) => {
      all.push(n);
      n.children.forEach(walk);
    };
    walk(await port.snapshot(id));
    return all.some((n) => n.showing && pred(n));
  }, { deadlineMs: ms, name: "ms", what: `${what} in the tree` });
}

interface PyNode {
  role: string;
  name: string;
  showing: boolean;
  children: PyNode[];
}

Deno.test({
  name: "AT-SPI on the gateway simulator: cross-check with pyatspi, then a paper TOTP login",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const desktop = await startDesktop();
    const root = await Deno.makeTempDir({ prefix: "ibg-atspi-sim-" });
    let sim: Awaited<ReturnType<typeof launchSim>> | undefined;
    let port: AtspiPort | undefined;
    try {
      const install = await installSimGateway({ root: join(root, "Jts") });
      const bridge = bridgeArgs();
      // The launcher builds the class path from jars/: the bridge jar goes there (test only).
      for (const jar of bridge.classpath) {
        await Deno.copyFile(jar, join(install.jarsDir, "java-atk-wrapper.jar"));
      }
      sim = await launchSim({
        install,
        settingsDir: join(root, "settings"),
        scenario: SCENARIO,
        display: desktop.xvfb.display,
        vmParams: bridge.props,
        env: desktop.stack.env,
      });
      const events = sim.eventsPath;
      port = await openAtspiPort({ address: desktop.stack.a11yAddress, pid: sim.pid });
      const p = port;
      const login = await windowTitled(p, "IBKR Gateway");
      assert(login.kind === "frame", JSON.stringify(login));
      await treeHas(p, login.id, (n) => n.role === "password", "password field");

      await t.step("cross-check: same windows and components as python3-pyatspi", async () => {
        const out = await new Deno.Command("/usr/bin/python3", {
          args: [
            fileURLToPath(new URL("./pyatspi_dump.py", import.meta.url)),
            String(sim!.pid),
          ],
          env: desktop.stack.env,
          stdout: "piped",
          stderr: "piped",
        }).output();
        assert(out.success, `pyatspi failed: ${new TextDecoder().decode(out.stderr)}`);
        const py = JSON.parse(new TextDecoder().decode(out.stdout)) as { windows: PyNode[] };
        const mine = await p.windows();
        assert(py.windows, "pyatspi does not see the simulator's pid");
        const key = (xs: { title?: string; name?: string; className?: string; role?: string }[]) =>
          xs.map((x) => `${x.className ?? x.role}:${x.title ?? x.name}`).sort().join(" | ");
        assert(
          key(mine) === key(py.windows),
          `windows differ: ours ${key(mine)} / pyatspi ${key(py.windows)}`,
        );
        for (const w of mine) {
          const pyWin = py.windows.find((x) => x.name === w.title && x.role === w.className)!;
          const ours = await p.snapshot(w.id);
          const flatOurs: string[] = [];
          const flatPy: string[] = [];
          // Role name and the name as each tool reports it; text fields carry their content as
          // `text` in our model and their accessible name separately, so compare names there.
          const walkOurs = (n: ComponentNode) => {
            const textual = ["text", "password", "textarea"].includes(n.role);
            flatOurs.push(`${n.type}:${textual ? (n.accessibleName ?? "") : (n.text ?? "")}`);
            n.children.forEach(walkOurs);
          };
          const walkPy = (n: PyNode) => {
            const textual = ["text", "password text"].includes(n.role);
            flatPy.push(`${n.role}:${textual && n.name === "" ? "" : n.name}`);
            n.children.forEach(walkPy);
          };
          walkOurs(ours);
          walkPy(pyWin);
          // A text field whose accessible name equals its content has no separate accessibleName.
          const norm = (xs: string[]) => xs.map((x) => x.startsWith("text:") ? "text:" : x);
          assert(
            JSON.stringify(norm(flatOurs)) === JSON.stringify(norm(flatPy)),
            `components of "${w.title}" differ:\n ours ${norm(flatOurs).join(", ")}\n py   ${
              norm(flatPy).join(", ")
            }`,
          );
          assert(flatOurs.length > 10, `suspiciously small tree: ${flatOurs.length} nodes`);
        }
      });

      await t.step("login driven through AT-SPI, asserted on the sim's event log", async () => {
        const has = (pred: (e: SimEvent) => boolean, what: string) =>
          waitForSimEvent(events, pred, { what, deadlineMs: 10_000 });
        await p.setSelected(login.id, { text: "Paper Trading" }, true);
        await has((e) => e.event === "toggle" && e.toggle === "Paper Trading", "toggle paper");
        await p.setText(login.id, { label: "Username" }, "simuser");
        await has(
          (e) => e.event === "field-set" && e.value === "simuser",
          "username field-set",
        );
        await p.setText(login.id, { label: "Password" }, PASSWORD);
        await has(
          (e) => e.event === "field-set" && e.length === PASSWORD.length,
          "password field-set (length only)",
        );
        await treeHas(
          p,
          login.id,
          (n) => n.role === "button" && n.text === "Paper Log In",
          "Paper Log In",
        );
        await p.click(login.id, { text: "Paper Log In" });
        await has((e) => e.event === "click" && e.button === "Paper Log In", "click Paper Log In");

        const twofa = await windowTitled(p, "Second Factor Authentication");
        assert(twofa.modal, "the 2FA dialog should be modal");
        // The code field is an obfuscated, unnamed class: IBC's rule, the first text field.
        await treeHas(p, twofa.id, (n) => n.role === "text" && n.editable === true, "code field");
        // The sim accepts only the current step's code: its clock is moved to one second into
        // the current step, so the code stays valid ~29 s with no wait for a fresh step.
        const at = Math.floor(Date.now() / 30_000) * 30_000 + 1_000;
        await sim!.setClock(at);
        const code = totpAt(SECRET, at);
        await p.setText(twofa.id, { index: 0, role: "text" }, code.code);
        await p.click(twofa.id, { text: "OK" });
        await has((e) => e.event === "twofa-result" && e.ok === true, "twofa ok");

        const warning = await windowTitled(p, "Warning");
        await p.click(warning.id, { text: "I understand and accept" });
        await has(
          (e) => e.event === "click" && e.button === "I understand and accept",
          "accept paper warning",
        );
        await has((e) => e.event === "api-listening", "API port listening");
      });
    } finally {
      await port?.close();
      await sim?.stop();
      await desktop.stop();
      await Deno.remove(root, { recursive: true }).catch(() => {});
    }
  },
});
