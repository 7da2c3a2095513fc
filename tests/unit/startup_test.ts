/**
 * What a start loads: the modules a command imports before it runs (its static import graph, as
 * `deno info` reports it), and the modules that stay behind a dynamic import until needed. The
 * memory and start-up time this saves are measured by `deno task bench footprint`.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT } from "../support/cli.ts";

interface Dependency {
  code?: { specifier: string };
  isDynamic?: boolean;
}
interface Info {
  modules: { specifier: string; dependencies?: Dependency[] }[];
  redirects: Record<string, string>;
}

const INFO: Info = JSON.parse(
  new TextDecoder().decode(
    new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", join(ROOT, "main.ts")],
      cwd: ROOT,
      stdout: "piped",
    }).outputSync().stdout,
  ),
);
const BY_SPECIFIER = new Map(INFO.modules.map((m) => [m.specifier, m]));

/** Repository paths and npm packages reachable from `file` (repo-relative) by the given edges. */
function reachable(file: string, dynamic: boolean): Set<string> {
  const seen = new Set<string>();
  const stack = [`file://${join(ROOT, file)}`];
  while (stack.length) {
    const s = stack.pop()!;
    const spec = INFO.redirects[s] ?? s;
    if (seen.has(spec)) continue;
    seen.add(spec);
    for (const d of BY_SPECIFIER.get(spec)?.dependencies ?? []) {
      // Type-only imports have no `code` and are erased at run time.
      if (d.code && (dynamic || !d.isDynamic)) stack.push(d.code.specifier);
    }
  }
  return new Set(
    [...seen].map((s) =>
      s.startsWith("file://")
        ? s.slice(`file://${ROOT}/`.length)
        : s.replace(/^npm:\/?(@?[^@]+)@.*$/, "npm:$1")
    ),
  );
}

Deno.test("main.ts loads no subcommand before it is chosen: `version` runs on a few modules", () => {
  const atStart = reachable("main.ts", false);
  for (const m of atStart) {
    assert.ok(!/_cmd\.ts$/.test(m) && !m.startsWith("npm:"), `main.ts loads ${m} at start`);
  }
  assert.ok(reachable("lib/cli/version.ts", false).size < 10);
});

Deno.test("run loads the AT-SPI adapter, the servers, the console, dialog rules (yaml), the log export, the installer, TOTP, prom-client and --attach's code only when used", () => {
  const run = reachable("lib/cli/run_cmd.ts", false);
  for (
    const lazy of [
      "npm:dbus-next",
      "npm:prom-client",
      "lib/ui/atspi/port.ts",
      "lib/servers/command.ts",
      "lib/servers/health.ts",
      "lib/servers/metrics.ts",
      "lib/console/mod.ts",
      "lib/dialogs/rules.ts",
      "npm:yaml",
      "lib/logexport/mod.ts",
      "lib/installer/mod.ts",
      "npm:otpauth",
      "lib/app/attach_host.ts",
      "lib/gateway/attach.ts",
    ]
  ) {
    assert.ok(!run.has(lazy), `run loads ${lazy} before it is needed`);
  }
});

Deno.test("every lazily loaded module is still in main.ts's graph, so deno compile embeds it", () => {
  const all = reachable("main.ts", true);
  for (
    const m of [
      "lib/cli/run_cmd.ts",
      "lib/cli/inspect_cmd.ts",
      "lib/ui/atspi/port.ts",
      "lib/ui/atspi/doctor.ts",
      "lib/servers/metrics.ts",
      "npm:dbus-next",
      "npm:prom-client",
      "npm:yaml",
      "lib/logexport/mod.ts",
      "lib/app/attach_host.ts",
    ]
  ) {
    assert.ok(all.has(m), `${m} is not reachable from main.ts`);
  }
});

Deno.test("every module of ours is Latin-1 text, so V8 keeps its source at one byte a character", () => {
  // V8 keeps each module's source, inline source map included, for the life of the process; a
  // single character beyond U+00FF stores the whole of it at two bytes a character. Write such a
  // character as a \\u escape in a string, and in comments use ASCII.
  for (const m of reachable("main.ts", true)) {
    if (!/^(lib\/.*|main)\.ts$/.test(m)) continue;
    const text = Deno.readTextFileSync(join(ROOT, m));
    const at = [...text].findIndex((c) => c.codePointAt(0)! > 0xff);
    assert.equal(at, -1, `${m} has ${JSON.stringify([...text][at])} at character ${at}`);
  }
});
