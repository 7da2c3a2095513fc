/** The configuration plan from settings, and read-back verification against a snapshot. */

import assert from "node:assert/strict";
import { loadConfig } from "../../lib/config/mod.ts";
import {
  afterAction,
  configMenuPath,
  findEditTarget,
  verifySection,
} from "../../lib/session/configure.ts";
import { mainWindow, twsMainWindow } from "../dialogs/fixtures.ts";
import { planSettings, PRECAUTIONS, restartTime } from "../../lib/session/settings_plan.ts";
import { time12 } from "../../lib/config/types.ts";
import { apiPortFor } from "../../lib/config/ports.ts";
import type { ComponentNode, Role } from "../../lib/ui/port.ts";

const cfg = (env: Record<string, string>) => loadConfig({ env, home: "/h" }).values;

function node(
  role: Role,
  props: Partial<ComponentNode> = {},
  children: ComponentNode[] = [],
): ComponentNode {
  return { role, type: role, enabled: true, showing: true, children, ...props };
}

Deno.test("nothing set: no plan, the configure step is skipped", () => {
  assert.deepEqual(planSettings(cfg({}), "paper"), []);
});

Deno.test("API settings, precautions and an AM restart time are all planned", () => {
  const plan = planSettings(
    cfg({
      TWS_API_PORT: "4012",
      TWS_MASTER_CLIENT_ID: "7",
      READ_ONLY_API: "no",
      BYPASS_BOND_WARNING: "yes",
      AUTO_RESTART_TIME: "06:05 AM",
      AUTO_LOGOFF_TIME: "11:00 PM",
    }),
    "paper",
  );
  assert.deepEqual(plan.map((s) => s.path.join("/")), [
    "API/Settings",
    "API/Precautions",
    "Lock and Exit",
  ]);
  assert.deepEqual(plan[0].edits.map((e) => [e.target, (e as { value: unknown }).value]), [
    [{ name: "Socket port" }, "4012"],
    [{ name: "Master API client ID" }, "7"],
    [{ text: "Read-Only API" }, false],
  ]);
  assert.deepEqual(plan[1].edits, [{
    kind: "select",
    target: { text: "Bypass Bond warning for API Orders." },
    value: true,
    setting: "BYPASS_BOND_WARNING",
  }]);
  // Restart wins over logoff; AM is selected explicitly, as is the action radio.
  assert.deepEqual(plan[2].edits.map((e) => [e.target, (e as { value: unknown }).value]), [
    [{ label: "Set Auto" }, "06:05"],
    [{ text: "AM" }, true],
    [{ text: "Auto restart" }, true],
  ]);
});

Deno.test("BYPASS_WARNING=yes sets all nine precautions; individual settings win", () => {
  const plan = planSettings(
    cfg({ BYPASS_WARNING: "yes", BYPASS_ORDER_PRECAUTIONS: "no" }),
    "paper",
  );
  const edits = plan[0].edits;
  assert.equal(edits.length, PRECAUTIONS.length);
  assert.equal((edits[0] as { value: boolean }).value, false);
  assert.ok(edits.slice(1).every((e) => (e as { value: boolean }).value === true));
  // Labels (not yes/no) are disclaimer buttons, not precautions.
  assert.deepEqual(planSettings(cfg({ BYPASS_WARNING: "I Agree" }), "paper"), []);
});

Deno.test("read-back finds fields by component name, label and text and reports mismatches", () => {
  const plan = planSettings(
    cfg({
      TWS_API_PORT: "4012",
      TWS_MASTER_CLIENT_ID: "7",
      READ_ONLY_API: "yes",
      AUTO_LOGOFF_TIME: "06:05 AM",
    }),
    "paper",
  );
  const apiTree = node("panel", {}, [
    node("panel", { name: "Socket port" }, [
      node("label", { text: "Socket port" }),
      node("text", { text: "4012" }),
    ]),
    node("panel", { name: "Master API client ID" }, [node("text", { text: "8" })]),
    node("checkbox", { text: "Read-Only API", selected: true }),
  ]);
  assert.deepEqual(verifySection(apiTree, plan[0]), ["TWS_MASTER_CLIENT_ID"]);
  const lockTree = node("panel", {}, [
    node("label", { text: "Set Auto Log Off Time (HH:MM)" }),
    node("text", { text: "06:05" }),
    node("radio", { text: "AM", selected: false }),
    node("radio", { text: "PM", selected: true }),
    node("radio", { text: "Auto logoff", selected: true }),
  ]);
  // The time text matches but PM is selected: an AM time stored as PM is caught.
  assert.deepEqual(verifySection(lockTree, plan[1]), ["AUTO_LOGOFF_TIME"]);
  assert.equal(findEditTarget(lockTree, plan[1].edits[0])?.text, "06:05");
});

Deno.test("both mode: each session types its own API port; paper alone honours either setting", () => {
  const port = (c: Record<string, string>, mode: "live" | "paper") =>
    planSettings(cfg(c), mode).flatMap((s) => s.edits).find((e) => e.setting.startsWith("TWS_API"))
      ?.value;
  const both = { TRADING_MODE: "both", TWS_API_PORT: "4101", TWS_API_PORT_PAPER: "4102" };
  assert.equal(port(both, "live"), "4101");
  assert.equal(port(both, "paper"), "4102");
  assert.equal(port({ TRADING_MODE: "both", TWS_API_PORT: "4101" }, "paper"), undefined);
  assert.equal(apiPortFor(cfg({ TRADING_MODE: "both", TWS_API_PORT: "4101" }), "paper"), 4002);
  assert.equal(port({ TRADING_MODE: "paper", TWS_API_PORT: "4101" }, "paper"), "4101");
  assert.equal(apiPortFor(cfg({ TRADING_MODE: "live" }), "live"), 4001);
});

Deno.test("a RESTART time is the next whole minute, or the one after from second 58 on (IBC)", () => {
  // Local time: Gateway reads its clock in the same zone as ibg-pilot.
  const at = (iso: string) => time12.format(restartTime(new Date(iso).getTime()));
  assert.equal(at("2026-11-23T23:45:10"), "11:46 PM");
  assert.equal(at("2026-11-23T23:45:58"), "11:47 PM");
  assert.equal(at("2026-11-23T11:59:30"), "12:00 PM");
  assert.equal(at("2026-11-23T23:59:59"), "12:01 AM");
  assert.equal(at("2026-11-23T00:00:00"), "12:01 AM");
});

Deno.test("a wait whose action failed: the action's error, and the wait's timeout harms nothing", async () => {
  // Deno fails this test (and ends a real process) on an unhandled rejection, so the timer
  // firing after the action's failure is the assertion.
  let timedOut!: () => void;
  const fired = new Promise<void>((r) => (timedOut = r));
  const wait = new Promise<string>((_, reject) =>
    setTimeout(() => {
      reject(new Error("the configuration dialog did not appear within 20 ms"));
      timedOut();
    }, 20)
  );
  await assert.rejects(
    afterAction(wait, () => Promise.reject(new Error("the agent closed the connection"))),
    /the agent closed the connection/,
  );
  // Had nobody handled the wait's rejection, Deno would fail this file ("uncaught error").
  await fired;

  // Success: the wait's value; a wait that fails after a good action rejects with its own error.
  assert.equal(await afterAction(Promise.resolve("dialog"), () => Promise.resolve()), "dialog");
  await assert.rejects(
    afterAction(Promise.reject(new Error("did not close")), () => Promise.resolve()),
    /did not close/,
  );
});

Deno.test("TWS: the plan ticks Enable ActiveX and Socket Clients unless TWS_ENABLE_API=no; Gateway never", () => {
  const boxes = (env: Record<string, string>) =>
    planSettings(cfg(env), "paper").flatMap((sec) => sec.edits)
      .filter((e) => e.setting === "TWS_ENABLE_API")
      .map((e) => [e.target.text, e.value]);
  assert.deepEqual(boxes({ GATEWAY_OR_TWS: "tws" }), [["Enable ActiveX and Socket Clients", true]]);
  assert.deepEqual(boxes({ GATEWAY_OR_TWS: "tws", TWS_ENABLE_API: "no" }), []);
  assert.deepEqual(boxes({}), []);
});

Deno.test("TWS: the API ports default to 7496 live and 7497 paper; TWS_API_PORT still wins", () => {
  assert.equal(apiPortFor(cfg({ GATEWAY_OR_TWS: "tws", TRADING_MODE: "live" }), "live"), 7496);
  assert.equal(apiPortFor(cfg({ GATEWAY_OR_TWS: "tws" }), "paper"), 7497);
  assert.equal(apiPortFor(cfg({ GATEWAY_OR_TWS: "tws", TWS_API_PORT: "4101" }), "paper"), 4101);
});

Deno.test("the configuration dialog opens through the menus this main window has", () => {
  assert.deepEqual(configMenuPath(mainWindow().tree), ["Configure", "Settings"]);
  assert.deepEqual(configMenuPath(twsMainWindow().tree), ["Edit", "Global Configuration..."]);
  assert.deepEqual(
    configMenuPath(twsMainWindow({ mosaic: true }).tree),
    ["File", "Global Configuration..."],
  );
});
