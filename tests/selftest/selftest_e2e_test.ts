/**
 * `ibg-pilot selftest --until login-frame` end to end on the simulated Gateway, run as the smoke
 * workflow runs it in the gnzsnz image: no DISPLAY (ibg-pilot starts its own Xvfb), no
 * credentials. A standard build passes; a build that renamed a control (the sim's `renames`)
 * fails with exit 1 naming the missing string and the catalogue constant. Either way Gateway
 * exits through its own close path (the sim logs `login-frame-closed`), and nothing logs in.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { installSimGateway } from "../gateway-sim/install.ts";
import { readSimEvents } from "../gateway-sim/events.ts";
import { baseEnv, runCli } from "../support/cli.ts";
import { freePort } from "../support/net.ts";

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  out: string;
  events: { event: string; [k: string]: unknown }[];
}

async function selftestOn(
  scenario: Record<string, unknown>,
  product: "gateway" | "tws" = "gateway",
): Promise<Outcome> {
  const dir = await Deno.makeTempDir({ prefix: "ibgp-selftest-" });
  try {
    const install = await installSimGateway({ root: join(dir, "Jts"), product });
    const settings = join(dir, "settings");
    await Deno.mkdir(settings, { recursive: true });
    await Deno.writeTextFile(
      join(settings, "jts.ini"),
      `[IBGateway]\nLocalServerPort=${freePort()}\n`,
    );
    const scenarioPath = join(dir, "scenario.json");
    await Deno.writeTextFile(scenarioPath, JSON.stringify({ delays: { startMs: 0 }, ...scenario }));
    const eventsPath = join(dir, "sim-events.jsonl");
    const runtimeDir = join(dir, "rt");
    const out = join(dir, "out");
    // No DISPLAY: the container path, with ibg-pilot's own Xvfb.
    const env = baseEnv({
      TWS_PATH: install.twsPath,
      GATEWAY_OR_TWS: product,
      TWS_SETTINGS_PATH: settings,
      PILOT_RUNTIME_DIR: runtimeDir,
      IBG_SIM_SCENARIO: scenarioPath,
      IBG_SIM_EVENTS: eventsPath,
    });
    const r = await runCli(
      ["selftest", "--until", "login-frame", "--out", out, "--timeout", "120"],
      env,
      undefined,
      { extraUnixSockets: [join(runtimeDir, "agent-paper.sock")] },
    );
    const files: Record<string, string> = {};
    for (const f of ["login-frame.json", "login-frame.txt"]) {
      files[f] = await Deno.readTextFile(join(out, f)).catch(() => "");
    }
    for (const mode of ["live", "paper"]) {
      const png = await Deno.readFile(join(out, `login-frame-${mode}.png`)).catch(() => undefined);
      // The PNG signature and the IHDR width/height (big-endian at bytes 16..23).
      if (png) {
        const v = new DataView(png.buffer, png.byteOffset);
        files[`${mode}.png`] = png[1] === 0x50 && png[2] === 0x4e && png[3] === 0x47
          ? `${v.getUint32(16)}x${v.getUint32(20)}`
          : "not a PNG";
      }
    }
    return {
      ...r,
      out: JSON.stringify(files),
      events: await readSimEvents(eventsPath),
    };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

function closedByItself(events: Outcome["events"]) {
  const exit = events.find((e) => e.event === "exit");
  assert.ok(exit, "the sim logged no exit");
  assert.equal(exit.cause, "login-frame-closed", "Gateway must exit through its login frame");
  assert.ok(!events.some((e) => e.event === "login-attempt"), "selftest must never log in");
}

Deno.test("selftest: a standard build passes, writes the tree, closes Gateway itself", async () => {
  const r = await selftestOn({});
  assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /selftest --until login-frame: PASS/);
  // Its own footprint at the login frame (the smoke workflow reads it for the compiled binary).
  const rss = Number(
    /login frame after \d+ ms \(ibg-pilot ([\d.]+) MB resident\)/.exec(r.stdout)?.[1],
  );
  assert.ok(rss > 10 && rss < 1000, r.stdout);
  for (
    const s of [
      '"IBKR Gateway"',
      '"IB API"',
      '"FIX CTCI"',
      '"Live Trading"',
      '"Paper Trading"',
      '"Trading Mode"',
      '"Log In"',
      '"Paper Log In"',
    ]
  ) {
    assert.ok(r.stdout.includes(`: ${s}`), `report lacks ${s}:\n${r.stdout}`);
  }
  assert.match(r.stdout, /closed: through its own close path/);
  const doc = JSON.parse(JSON.parse(r.out)["login-frame.json"]);
  assert.deepEqual(doc.views.map((v: { mode: string }) => v.mode), ["live", "paper"]);
  assert.ok(doc.checks.every((c: { found: unknown }) => c.found !== null));
  // One picture per view, the size of the sim's login frame (420x470).
  assert.equal(JSON.parse(r.out)["live.png"], "420x470");
  assert.equal(JSON.parse(r.out)["paper.png"], "420x470");
  assert.match(r.stdout, /picture: .*login-frame-paper\.png/);
  closedByItself(r.events);
});

Deno.test("selftest on TWS: its Login frame passes TWS's checks (no IB API selector)", async () => {
  const r = await selftestOn({}, "tws");
  assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /selftest --until login-frame: PASS/);
  for (const s of ['"Login"', '"Live Trading"', '"Paper Trading"', '"Log In"', '"Paper Log In"']) {
    assert.ok(r.stdout.includes(`: ${s}`), `report lacks ${s}:\n${r.stdout}`);
  }
  assert.ok(!r.stdout.includes("IB API"), "TWS has no API selector to check");
  assert.equal(r.events.find((e) => e.event === "sim-start")?.product, "tws");
  closedByItself(r.events);
});

Deno.test("selftest: a build that renamed the paper toggle exits 1 naming it", async () => {
  const r = await selftestOn({ renames: { "Paper Trading": "Paper Account" } });
  assert.equal(r.code, 1, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, /selftest --until login-frame: FAIL/);
  assert.match(
    r.stderr,
    /MISSING {2}paper trading toggle: none of "Paper Trading", "Paper-Trading" \(toggle; lib\/dialogs\/catalogue\.ts LOGIN\.paperToggle\)/,
  );
  assert.match(r.stderr, /missing: paper trading toggle$/m);
  // Everything else is still checked and found; the tree shows the new text for whoever adapts.
  assert.match(r.stderr, /ok {7}live Log In button: "Log In"/);
  assert.ok(JSON.parse(r.out)["login-frame.txt"].includes('"Paper Account"'));
  closedByItself(r.events);
});

Deno.test("selftest: a renamed Log In button exits 1 naming the button", async () => {
  const r = await selftestOn({ renames: { "Paper Log In": "Paper Sign In" } });
  assert.equal(r.code, 1, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, /MISSING {2}paper Log In button: none of "Paper Log In"/);
  assert.match(r.stderr, /missing: paper Log In button$/m);
  closedByItself(r.events);
});

Deno.test("selftest: a renamed title is found by the password field and reported", async () => {
  const r = await selftestOn({ renames: { "IBKR Gateway": "IBKR Desktop" } });
  assert.equal(r.code, 1, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, /MISSING {2}title: none of "IBKR Gateway", "IBKR-Gateway"/);
  assert.match(r.stderr, /missing: title$/m);
  assert.match(r.stderr, /ok {7}paper Log In button: "Paper Log In"/);
  closedByItself(r.events);
});

Deno.test("selftest: a Gateway that dies before its login frame is a failure that says so", async () => {
  const r = await selftestOn({ faults: { crash: { phase: "starting", exitCode: 3 } } });
  assert.equal(r.code, 1, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  // Dead before the agent answered, or after: either way the report says the JVM exited, code 3.
  assert.match(r.stderr, /PROBLEM {2}Gateway's JVM .*exited (with code 3|\(code 3\)) before/);
  assert.doesNotMatch(r.stderr, /^ok /m);
});

Deno.test("selftest: usage errors name the fix and start nothing", async () => {
  const none = await runCli(["selftest"]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /selftest needs --until login-frame/);
  const bad = await runCli(["selftest", "--until", "ready"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /not "ready"/);
  const both = await runCli(["selftest", "--until", "login-frame", "--mode", "both"]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--mode live or paper/);
  const t = await runCli(["selftest", "--until", "login-frame", "--timeout", "0"]);
  assert.equal(t.code, 2);
  assert.match(t.stderr, /--timeout must be 1-3600 seconds/);
});
