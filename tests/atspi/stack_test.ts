/**
 * The AT-SPI channel's edges on a live private stack, one fixture JVM for the file (with both the
 * ATK bridge and the Java agent, so both channels are up):
 * - a missing permission is a clear, fast error (never dbus-next's silent hang);
 * - doctor's checks pass on a working stack and name the fix on a broken one;
 * - inspect --via atspi returns the windows and trees;
 * - FallbackPort hands what AT-SPI cannot do (a field that refuses accessible text entry, closing
 *   a window) to the agent, asserted on the fixture's own event log.
 */

import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { buildJava } from "../../tools/build_java.ts";
import { connectAgent } from "../../lib/ui/agent/client.ts";
import { atspiDoctor } from "../../lib/ui/atspi/doctor.ts";
import { inspectViaAtspi } from "../../lib/ui/atspi/inspect.ts";
import { openAtspiPort } from "../../lib/ui/atspi/port.ts";
import { FallbackPort } from "../../lib/ui/select.ts";
import { UiError } from "../../lib/ui/port.ts";
import { startDesktop, startFixture } from "./harness.ts";
import { pollUntil } from "../support/poll.ts";

function assert(cond: unknown, msg = "assertion failed"): asserts cond {
  if (!cond) throw new Error(msg);
}

Deno.test("permissions: without --allow-sys=uid connecting fails at once with the flags to add", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ibg-atspi-perm-" });
  try {
    const sock = join(dir, "bus");
    const script = join(dir, "probe.ts");
    const dbusTs = fileURLToPath(new URL("../../lib/ui/atspi/dbus.ts", import.meta.url));
    await Deno.writeTextFile(
      script,
      `import { connectBus } from ${JSON.stringify(dbusTs)};\n` +
        `try { await connectBus("unix:path=${sock}"); console.log("connected?!"); }\n` +
        `catch (e) { console.log(e.code + ": " + e.message); Deno.exit(3); }\n`,
    );
    const started = Date.now();
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        `--allow-read=${sock},${dir}`,
        `--allow-write=${sock}`,
        "--config",
        fileURLToPath(new URL("../../deno.json", import.meta.url)),
        script,
      ],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(30_000),
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    assert(out.code === 3, `exit ${out.code}: ${text} ${new TextDecoder().decode(out.stderr)}`);
    assert(text.startsWith("permission:"), text);
    assert(text.includes("--allow-sys=uid") && text.includes(`--allow-net=unix:${sock}`), text);
    assert(!text.includes(`--allow-read=${sock}`), `read was granted: ${text}`);
    assert(Date.now() - started < 30_000);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "live stack: doctor, inspect --via atspi, and FallbackPort to the agent",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const desktop = await startDesktop();
    const dir = await Deno.makeTempDir({ prefix: "ibg-atspi-stack-" });
    try {
      const socket = join(dir, "agent.sock");
      const fixture = await startFixture(desktop, {
        jvmArgs: [`-javaagent:${await buildJava("agent")}=${socket}`],
      });
      try {
        await t.step("doctor: every check passes on the private stack", async () => {
          const env = desktop.stack.env;
          const checks = await atspiDoctor({
            env: (n) => n === "AT_SPI_BUS_ADDRESS" ? undefined : env[n],
          });
          const bad = checks.filter((c) => !c.ok);
          assert(bad.length === 0, JSON.stringify(bad));
          for (const name of ["session bus", "a11y bus", "registry daemon", "ATK bridge"]) {
            assert(checks.some((c) => c.name === name), `no ${name} check`);
          }
        });

        await t.step("doctor: a missing session bus is reported with its fix", async () => {
          const checks = await atspiDoctor({ env: () => undefined });
          const session = checks.find((c) => c.name === "session bus")!;
          assert(!session.ok && session.fix.includes("dbus-daemon"), JSON.stringify(session));
        });

        await t.step("inspect --via atspi: the fixture's windows and trees", async () => {
          const seen = await inspectViaAtspi(fixture.pid, { address: desktop.stack.a11yAddress });
          assert(seen.app.pid === fixture.pid, JSON.stringify(seen.app));
          const main = seen.windows.find((w) => w.window.title === "Fixture Login");
          assert(
            main && main.tree.role === "window",
            JSON.stringify(seen.windows.map((w) => w.window)),
          );
          assert(JSON.stringify(main.tree).includes('"Log In"'));
        });

        await t.step(
          "FallbackPort: refused text entry and closeWindow go to the agent",
          async () => {
            const atspi = await openAtspiPort({
              address: desktop.stack.a11yAddress,
              pid: fixture.pid,
            });
            const agent = await connectAgent(socket);
            const port = new FallbackPort(atspi, agent);
            try {
              const main = (await port.windows()).find((w) => w.title === "Fixture Login")!;
              // AT-SPI alone refuses: the field exposes no EditableText.
              const err = await atspi.setText(main.id, { label: "Security code" }, "123456").catch((
                e,
              ) => e);
              assert(err instanceof UiError && err.code === "unsupported", String(err));
              await port.setText(main.id, { label: "Security code" }, "123456");
              await fixture.waitFor(
                (e) => e.event === "text" && e.field === "code" && e.value === "123456",
                "code via agent",
              );
              // Plain fields stay on AT-SPI.
              await port.setText(main.id, { label: "Username" }, "carol");
              await fixture.waitFor(
                (e) => e.event === "text" && e.field === "username" && e.value === "carol",
                "username",
              );
              assert(port.fallbacks as number === 1, `fallbacks ${port.fallbacks}`);
              await fixture.send("open-window Closable");
              await fixture.waitFor(
                (e) => e.event === "window-opened" && e.title === "Closable",
                "Closable open",
              );
              const closable = await pollUntil(
                async () => (await port.windows()).find((w) => w.title === "Closable"),
                { deadlineMs: 5_000, name: "listing", what: "Closable listed by AT-SPI" },
              );
              await port.closeWindow(closable.id);
              await fixture.waitFor(
                (e) => e.event === "window-closing" && e.title === "Closable",
                "windowClosing via agent",
              );
              assert(port.fallbacks as number === 2, `fallbacks ${port.fallbacks}`);
            } finally {
              await port.close();
            }
          },
        );
      } finally {
        await fixture.stop();
      }
    } finally {
      await desktop.stop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
