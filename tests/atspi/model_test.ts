/**
 * Unit tests for the pure half of the AT-SPI adapter: role and state mapping, the port's matching
 * rules on a flattened tree, bus address parsing and the ATK bridge options.
 */

import { decodeStates, findTarget, flatten, mapRole, State } from "../../lib/ui/atspi/model.ts";
import { socketPathOf } from "../../lib/ui/atspi/dbus.ts";
import { atkBridgeJavaOptions, libraryDirCandidates } from "../../lib/ui/atspi/bridge.ts";
import { type ComponentNode, type Target, UiError } from "../../lib/ui/port.ts";

function assert(cond: unknown, msg = "assertion failed"): asserts cond {
  if (!cond) throw new Error(msg);
}
function eq(a: unknown, b: unknown) {
  assert(JSON.stringify(a) === JSON.stringify(b), `${JSON.stringify(a)} !== ${JSON.stringify(b)}`);
}
function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof UiError ? e.code : `not a UiError: ${e}`;
  }
  return "no error";
}

const n = (role: ComponentNode["role"], extra: Partial<ComponentNode> = {}): ComponentNode => ({
  role,
  type: role,
  enabled: true,
  showing: true,
  children: [],
  ...extra,
});

const tree = n("window", {
  children: [
    n("toggle", { text: "Live Trading" }),
    n("button", { text: "Log In" }),
    n("button", { text: "Paper Log In" }),
    n("label", { text: "Username:" }),
    n("text", { text: "", accessibleName: "Username:" }),
    n("label", { text: "Password" }),
    n("password", { passwordLength: 0 }),
    n("label", { text: "Socket port" }),
    n("panel", { children: [n("text", { text: "4002" })] }),
    n("button", { text: "Hidden", showing: false }),
    n("textarea", { text: "Enter the code shown in your app" }),
  ],
});
const flat = flatten(tree, (x) => x);
const find = (t: Target) => findTarget(flat, t).node;

Deno.test("states decode from GetState's two words", () => {
  const s = decodeStates([(1 << State.ENABLED) | (1 << State.SHOWING), 1 << (State.SHOWING - 25)]);
  assert(s.has(State.ENABLED) && s.has(State.SHOWING) && s.has(32 + 0));
});

Deno.test("roles: list cells and tree nodes take their container's role; multi-line text", () => {
  eq(mapRole("label", "list", new Set()), "listitem");
  eq(mapRole("label", "tree", new Set()), "treenode");
  eq(mapRole("unknown", "treenode", new Set()), "treenode");
  eq(mapRole("text", "panel", new Set([State.MULTI_LINE])), "textarea");
  eq(mapRole("push button", "panel", new Set()), "button");
  eq(mapRole("something new", undefined, new Set()), "other");
});

Deno.test("text: whole text, case-insensitive, trimmed, buttons only; never hidden", () => {
  eq(find({ text: " log in " }).text, "Log In");
  eq(code(() => find({ text: "Log" })), "not_found");
  eq(code(() => find({ text: "Hidden" })), "not_found");
  eq(code(() => find({ text: "Username" })), "not_found"); // labels are not buttons
});

Deno.test("text with a label/textarea role: substring", () => {
  eq(find({ text: "code shown", role: "textarea" }).role, "textarea");
  eq(find({ text: "socket", role: "label" }).text, "Socket port");
});

Deno.test("label: the labelled field, else the next field after the label", () => {
  eq(find({ label: "username" }).accessibleName, "Username:");
  eq(find({ label: "password" }).role, "password");
  eq(find({ label: "Socket port" }).text, "4002");
});

Deno.test("index: IBC's n-th text field counts password fields", () => {
  eq(find({ index: 1, role: "text" }).role, "password");
  eq(find({ index: 2 }).text, "4002");
  eq(code(() => find({ index: 9 })), "not_found");
});

Deno.test("name is an unsupported selector over AT-SPI", () => {
  eq(code(() => find({ name: "username" })), "unsupported");
  eq(code(() => find({})), "bad_request");
});

Deno.test("bus addresses: path sockets, lists, abstract refused", () => {
  eq(socketPathOf("unix:path=/run/user/0/bus"), "/run/user/0/bus");
  eq(socketPathOf("unix:path=/tmp/a%20b/bus,guid=abc"), "/tmp/a b/bus");
  eq(socketPathOf("tcp:host=x,port=1;unix:path=/x/bus"), "/x/bus");
  eq(code(() => socketPathOf("unix:abstract=/tmp/dbus-XYZ,guid=1")), "unsupported");
  eq(code(() => socketPathOf("tcp:host=x,port=1")), "bad_request");
});

Deno.test("bridge options: found files give classpath and props; missing ones give a fix", () => {
  const files = new Set([
    "/usr/share/java/java-atk-wrapper.jar",
    "/usr/lib/aarch64-linux-gnu/jni/libatk-wrapper.so",
  ]);
  const ok = atkBridgeJavaOptions({ exists: (p) => files.has(p), arch: "aarch64" });
  assert(ok.ok);
  eq(ok.classpath, ["/usr/share/java/java-atk-wrapper.jar"]);
  eq(ok.props, [
    "-Djavax.accessibility.assistive_technologies=org.GNOME.Accessibility.AtkWrapper",
    "-Djava.library.path=/usr/lib/aarch64-linux-gnu/jni",
  ]);
  eq(libraryDirCandidates("x86_64")[0], "/usr/lib/x86_64-linux-gnu/jni");
  const noJar = atkBridgeJavaOptions({ exists: () => false });
  assert(!noJar.ok && noJar.fix.includes("libatk-wrapper-java"), JSON.stringify(noJar));
  const noLib = atkBridgeJavaOptions({ exists: (p) => p.endsWith(".jar") });
  assert(!noLib.ok && noLib.error.includes("libatk-wrapper.so"), JSON.stringify(noLib));
});
