/**
 * Unit tests for lib/ui/select.ts: UI_DRIVER choice with fake channels, and FallbackPort handing
 * an action AT-SPI cannot do to the agent (on the window with the same title) and logging it.
 */

import { FallbackPort, selectUiPort } from "../../lib/ui/select.ts";
import { type ComponentNode, UiError, type UiPort, type WindowInfo } from "../../lib/ui/port.ts";

function assert(cond: unknown, msg = "assertion failed"): asserts cond {
  if (!cond) throw new Error(msg);
}

const win = (id: string, title: string): WindowInfo => ({
  id,
  title,
  className: "x",
  kind: "dialog",
  modal: true,
  showing: true,
  toolkit: "swing",
});

/** A fake port recording calls; `refuse` lists methods that reject with `unsupported`. */
function fake(channel: "agent" | "atspi", windows: WindowInfo[], refuse: string[] = []) {
  const calls: string[] = [];
  const act = (m: string) => (id: string) => {
    calls.push(`${m}@${id}`);
    return refuse.includes(m)
      ? Promise.reject(new UiError("unsupported", `${m} refused`))
      : Promise.resolve();
  };
  const port: UiPort = {
    channel,
    windows: () => Promise.resolve(windows),
    snapshot: () => Promise.resolve({} as ComponentNode),
    click: act("click"),
    setText: act("setText"),
    setSelected: act("setSelected"),
    selectTreePath: act("selectTreePath"),
    selectListItem: act("selectListItem"),
    menu: act("menu"),
    key: act("key"),
    closeWindow: act("closeWindow"),
    onEvent: () => () => {},
    close: () => Promise.resolve(),
  };
  return { port, calls };
}

Deno.test("FallbackPort: unsupported on AT-SPI goes to the agent's same-titled window", async () => {
  const s = fake("atspi", [win(":1.1/a/7", "Second Factor Authentication")], [
    "setText",
    "closeWindow",
  ]);
  const a = fake("agent", [win("w3", "Other"), win("w4", "Second Factor Authentication")]);
  const port = new FallbackPort(s.port, a.port);
  await port.click(":1.1/a/7", { text: "OK" });
  await port.setText(":1.1/a/7", { index: 0 }, "123456");
  await port.closeWindow(":1.1/a/7");
  assert(s.calls.join() === "click@:1.1/a/7,setText@:1.1/a/7,closeWindow@:1.1/a/7", s.calls.join());
  assert(a.calls.join() === "setText@w4,closeWindow@w4", a.calls.join());
  assert(port.fallbacks === 2);
  assert(port.channel === "atspi");
});

Deno.test("FallbackPort: other errors are not masked", async () => {
  const s = fake("atspi", [win("s1", "T")]);
  s.port.click = () => Promise.reject(new UiError("not_found", "no such button"));
  const a = fake("agent", [win("a1", "T")]);
  const port = new FallbackPort(s.port, a.port);
  let code = "";
  await port.click("s1", { text: "X" }).catch((e) => code = e.code);
  assert(code === "not_found" && a.calls.length === 0);
});

Deno.test("selectUiPort: agent, auto and atspi choices", async () => {
  const agent = fake("agent", []).port;
  const atspi = fake("atspi", []).port;
  const down = () => Promise.reject(new Error("no answer"));
  assert((await selectUiPort("agent", { agent: () => Promise.resolve(agent) })).chosen === "agent");
  const auto1 = await selectUiPort("auto", {
    agent: () => Promise.resolve(agent),
    atspi: () => Promise.resolve(atspi),
  });
  assert(auto1.chosen === "agent" && auto1.port === agent);
  const auto2 = await selectUiPort("auto", { agent: down, atspi: () => Promise.resolve(atspi) });
  assert(auto2.chosen === "atspi" && auto2.port === atspi && auto2.reason.includes("no answer"));
  const both = await selectUiPort("atspi", {
    agent: () => Promise.resolve(agent),
    atspi: () => Promise.resolve(atspi),
  });
  assert(both.chosen === "atspi" && both.port instanceof FallbackPort);
  const alone = await selectUiPort("atspi", { agent: down, atspi: () => Promise.resolve(atspi) });
  assert(alone.port === atspi);
  let err = "";
  await selectUiPort("agent", { agent: down }).catch((e) => err = e.code);
  assert(err === "disconnected");
});
