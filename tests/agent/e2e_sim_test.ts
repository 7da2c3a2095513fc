/**
 * End to end against the gateway simulator (tests/gateway-sim): the installed sim started through
 * its install4j-style launcher with `-javaagent`, a full paper + TOTP login and a configuration
 * round trip driven through AgentClient, then Gateway's own close path. Every action is verified
 * by the simulator's event log (what its GUI received), never by the agent's replies.
 */

import { join } from "node:path";
import * as OTPAuth from "otpauth";
import { startXvfb } from "../support/xvfb.ts";
import { installSimGateway } from "../gateway-sim/install.ts";
import { readSimEvents, type SimEvent, waitForSimEvent } from "../gateway-sim/events.ts";
import { launchSim, NO_DELAYS, type SimProcess } from "../gateway-sim/run.ts";
import { connectAgent } from "../../lib/ui/agent/client.ts";
import { UiError, type UiEvent, type WindowInfo } from "../../lib/ui/port.ts";
import assert from "node:assert/strict";
import { agentJar, collectEvents, privateDir } from "./harness.ts";
import { untilOk } from "../support/poll.ts";

const PASSWORD = "Sim-Pa55word!";
const SECRET = "JBSWY3DPEHPK3PXP";
const D = 15_000;

/** Retries `fn` while it fails with `not_found` (a panel being swapped in), within a deadline. */
async function whenPresent<T>(fn: () => Promise<T>, deadlineMs: number, what: string): Promise<T> {
  return await untilOk(fn, {
    deadlineMs,
    what,
    retry: (e) => e instanceof UiError && e.code === "not_found",
  });
}

/**
 * A TOTP code the sim accepts for the next ~29 s: the sim's clock is moved to one second into
 * the current window, so no test waits for a fresh window.
 */
async function freshCode(sim: SimProcess): Promise<string> {
  const at = Math.floor(Date.now() / 30_000) * 30_000 + 1_000;
  await sim.setClock(at);
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(SECRET) }).generate({
    timestamp: at,
  });
}

function opened(
  events: ReturnType<typeof collectEvents>,
  pred: (w: WindowInfo) => boolean,
  what: string,
): Promise<WindowInfo> {
  return events.wait((e) => e.type === "window-opened" && pred(e.window), D, what).then(
    (e) => (e as Extract<UiEvent, { type: "window-opened" }>).window,
  );
}

Deno.test("agent drives the gateway simulator; the sim's event log proves it", async (t) => {
  const root = await privateDir();
  const xvfb = await startXvfb();
  const install = await installSimGateway({ root: join(root, "Jts") });
  const socket = join(root, "agent.sock");
  const settingsDir = join(root, "settings");
  const sim = await launchSim({
    install,
    settingsDir,
    display: xvfb.display,
    scenario: {
      delays: NO_DELAYS,
      credentials: { username: "simuser", password: PASSWORD },
      twofa: {
        kind: "device-select",
        secret: SECRET,
        devices: [" IB Key", " Mobile Authenticator app"],
      },
    },
    vmParams: [`-javaagent:${await agentJar()}=${socket}`],
  });
  const log = sim.eventsPath;
  const saw = (pred: (e: SimEvent) => boolean, what: string) =>
    waitForSimEvent(log, pred, { deadlineMs: D, what });
  const client = await connectAgent(socket, { helloDeadlineMs: 30_000 }).catch((e) => {
    console.error(sim.output());
    throw e;
  });
  const events = collectEvents(client);
  try {
    let login: WindowInfo;
    await t.step("hello from the sim's JVM; window-opened for the login frame", async () => {
      assert.deepEqual(client.hello.pid, sim.pid);
      assert.deepEqual(client.hello.mainClass, "ibgateway.GWClient");
      login = await opened(events, (w) => w.title === "IBKR Gateway", "login frame");
      assert.deepEqual([login.kind, login.toolkit], ["frame", "swing"]);
    });

    await t.step("trading mode, credentials and Log In reach the sim", async () => {
      await client.setSelected(login.id, { text: "Paper Trading" }, true);
      await saw(
        (e) => e.event === "toggle" && e.toggle === "Paper Trading" && e.selected === true,
        "paper toggle",
      );
      await client.setText(login.id, { label: "Username" }, "simuser");
      await saw(
        (e) => e.event === "field-set" && e.field === "username" && e.value === "simuser",
        "username",
      );
      await client.setText(login.id, { label: "Password" }, PASSWORD);
      await saw(
        (e) => e.event === "field-set" && e.field === "password" && e.correct === true,
        "password",
      );
      await client.click(login.id, { text: "Paper Log In" });
      await saw((e) => e.event === "click" && e.button === "Paper Log In", "Paper Log In click");
    });

    await t.step("2FA: device list, TOTP code, OK", async () => {
      const twofa = await opened(events, (w) => w.title === "Second Factor Authentication", "2FA");
      assert.deepEqual(twofa.kind, "dialog");
      await whenPresent(
        () => client.selectListItem(twofa.id, "Mobile Authenticator app"),
        D,
        "device list",
      );
      await saw(
        (e) => e.event === "list-select" && /Mobile Authenticator app/.test(e.item),
        "device",
      );
      await client.click(twofa.id, { text: "OK" });
      await saw((e) => e.event === "twofa-device", "device accepted");
      const code = await freshCode(sim);
      await whenPresent(
        () => client.setText(twofa.id, { label: "Enter Mobile Authenticator app code" }, code),
        D,
        "code field",
      );
      await saw(
        (e) => e.event === "field-set" && e.field === "2fa-code" && e.correct === true,
        "code",
      );
      await client.click(twofa.id, { text: "OK" });
      await saw((e) => e.event === "twofa-result" && e.ok === true, "twofa ok");
    });

    let main: WindowInfo;
    await t.step("paper warning accepted; login completes", async () => {
      const warning = await opened(events, (w) => w.title === "Warning", "paper warning");
      await client.click(warning.id, { text: "I understand and accept" });
      await saw(
        (e) =>
          e.event === "click" && e.window === "Warning" && e.button === "I understand and accept",
        "accept click",
      );
      await saw(
        (e) => e.event === "login-result" && e.ok === true && e.mode === "paper",
        "login ok",
      );
      main = await opened(
        events,
        (w) => w.kind === "frame" && w.id !== login.id,
        "main window",
      );
    });

    await t.step("configuration: menu, tree, checkbox, named field, close", async () => {
      await client.menu(main.id, ["Configure", "Settings"]);
      await saw((e) => e.event === "menu" && e.path?.join("/") === "Configure/Settings", "menu");
      const config = await opened(
        events,
        (w) => w.title.includes("Configuration"),
        "configuration dialog",
      );
      await client.selectTreePath(config.id, ["API", "Settings"]);
      // The sim records the full path from its (hidden) root node.
      await saw(
        (e) => e.event === "tree-select" && e.path?.join("/").endsWith("API/Settings"),
        "tree",
      );
      // Turn Read-Only API on, then off: two clicks the sim must record.
      for (const want of [true, false]) {
        const r = await whenPresent(
          () =>
            client.request<{ changed: boolean }>("setSelected", {
              window: config.id,
              target: { text: "Read-Only API" },
              selected: want,
            }),
          D,
          "Read-Only API",
        );
        if (r.changed) {
          await saw(
            (e) => e.event === "toggle" && e.toggle === "Read-Only API" && e.selected === want,
            `Read-Only API ${want}`,
          );
        }
      }
      const toggles = (await readSimEvents(log)).filter((e) =>
        e.event === "toggle" && e.toggle === "Read-Only API"
      );
      assert.ok(toggles.length >= 1 && toggles.at(-1)!.selected === false, "Read-Only API off");
      await whenPresent(
        () => client.setText(config.id, { name: "Master API client ID" }, "17"),
        D,
        "Master API client ID",
      );
      await saw((e) => e.event === "field-set" && e.value === "17", "client id by component name");
      const closed = events.next(
        (e) => e.type === "window-closed" && e.windowId === config.id,
        D,
        "config closed",
      );
      await client.click(config.id, { text: "Cancel" });
      await closed;
    });

    await t.step(
      "Gateway's own close path: WINDOW_CLOSING, confirm, session released",
      async () => {
        await client.closeWindow(main.id);
        await saw((e) => e.event === "window-closing", "window-closing");
        const exit = await opened(events, (w) => w.title === "Exit", "exit confirmation");
        await client.click(exit.id, { text: "Yes" }).catch((e) => {
          // Yes ends the JVM, and its exit may beat the click's reply (seen under load); the
          // sim's log below proves the click either way.
          if (!(e instanceof UiError && e.code === "disconnected")) throw e;
        });
        await saw((e) => e.event === "session-released", "session released");
        await saw((e) => e.event === "exit" && e.code === 0, "clean exit");
        await events.wait((e) => e.type === "disconnected", D, "disconnected");
      },
    );

    await t.step("a window-opened event for every window the sim showed", async () => {
      const shown = new Set(
        (await readSimEvents(log)).filter((e) => e.event === "window-shown").map((e) => e.title),
      );
      const announced = new Set(
        events.seen.flatMap((e) =>
          // The sim's log redacts account ids in titles; the agent reports titles as shown.
          e.type === "window-opened"
            ? [e.window.title.replace(/\bD?U\d{5,10}\b/g, "[account]")]
            : []
        ),
      );
      const missing = [...shown].filter((t) => !announced.has(t));
      assert.deepEqual(
        missing,
        [],
        `sim windows without an agent event (agent saw ${[...announced]})`,
      );
    });
  } catch (e) {
    console.error(sim.output().slice(-4000));
    throw e;
  } finally {
    await client.close();
    await sim.stop();
    await xvfb.stop();
    await Deno.remove(root, { recursive: true }).catch(() => {});
  }
});
