/**
 * The gateway simulator's own tests: the install layout, its RFC 6238 implementation, and, under a
 * private Xvfb, the simulated Gateway driven through its documented self-drive hook (scenario
 * "drive"): the default paper + TOTP login reaches the API port, the TWS API handshake answers,
 * a wrong TOTP is rejected, the Connecting OK trap cancels the login, bad credentials, the
 * configuration round trip and File > Close, auto-restart and -Drestart, the hyphenated build and
 * an injected crash. Assertions are on the sim's event log and files, never on timing.
 */

import assert from "node:assert/strict";
import { freePort } from "../support/net.ts";
import { join } from "node:path";
import { startXvfb, type Xvfb } from "../support/xvfb.ts";
import { installSimGateway, type SimInstall } from "./install.ts";
import { readSimEvents, type SimEvent, waitForSimEvent } from "./events.ts";
import { launchSim, NO_DELAYS, type SimProcess } from "./run.ts";

const PASSWORD = "Sim-Pa55word!";
const SECRET = "JBSWY3DPEHPK3PXP";
const FAST = {
  delays: NO_DELAYS,
  credentials: { username: "simuser", password: PASSWORD },
  twofa: { secret: SECRET },
};
const DRIVE = { username: "simuser", password: PASSWORD, mode: "paper" };

function merge(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] = cur && typeof cur === "object" && v && typeof v === "object" && !Array.isArray(v)
      ? merge(cur as Record<string, unknown>, v as Record<string, unknown>)
      : v;
  }
  return out;
}

// ---- a minimal TWS API client (sources.md ecosystem 5.2), enough to test the sim's answers ------------

class ApiConn {
  private buf = new Uint8Array(0);
  constructor(private conn: Deno.Conn) {}

  static async open(port: number, range = "v100..178"): Promise<ApiConn> {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const c = new ApiConn(conn);
    const payload = new TextEncoder().encode(range);
    const msg = new Uint8Array(8 + payload.length);
    msg.set(new TextEncoder().encode("API\0"), 0);
    new DataView(msg.buffer).setUint32(4, payload.length);
    msg.set(payload, 8);
    await conn.write(msg);
    return c;
  }

  async send(fields: string[]): Promise<void> {
    const payload = new TextEncoder().encode(fields.map((f) => f + "\0").join(""));
    const msg = new Uint8Array(4 + payload.length);
    new DataView(msg.buffer).setUint32(0, payload.length);
    msg.set(payload, 4);
    await this.conn.write(msg);
  }

  /** The next frame's fields; null when the server closed the connection. */
  async read(): Promise<string[] | null> {
    while (true) {
      if (this.buf.length >= 4) {
        const n = new DataView(this.buf.buffer, this.buf.byteOffset).getUint32(0);
        if (this.buf.length >= 4 + n) {
          const text = new TextDecoder().decode(this.buf.slice(4, 4 + n));
          this.buf = this.buf.slice(4 + n);
          return text.split("\0").slice(0, -1);
        }
      }
      const chunk = new Uint8Array(4096);
      const got = await this.conn.read(chunk);
      if (got === null) return null;
      const next = new Uint8Array(this.buf.length + got);
      next.set(this.buf);
      next.set(chunk.subarray(0, got), this.buf.length);
      this.buf = next;
    }
  }

  close() {
    try {
      this.conn.close();
    } catch { /* already closed */ }
  }
}

// ---- fixtures ---------------------------------------------------------------------------------

interface Ctx {
  root: string;
  install: SimInstall;
  xvfb: Xvfb;
  running: SimProcess[];
}

async function start(
  ctx: Ctx,
  name: string,
  scenario: Record<string, unknown>,
  opts: { port?: number; vmParams?: string[]; settingsDir?: string } = {},
): Promise<SimProcess> {
  const settingsDir = opts.settingsDir ?? join(ctx.root, name);
  await Deno.mkdir(settingsDir, { recursive: true });
  if (opts.port) {
    await Deno.writeTextFile(
      join(settingsDir, "jts.ini"),
      `[IBGateway]\nLocalServerPort=${opts.port}\nTrustedIPs=127.0.0.1\n\n[Logon]\nLocale=en\n`,
    );
  }
  const sim = await launchSim({
    install: ctx.install,
    settingsDir,
    scenario,
    display: ctx.xvfb.display,
    vmParams: opts.vmParams,
  });
  ctx.running.push(sim);
  return sim;
}

function find(events: SimEvent[], kind: string, where: Partial<SimEvent> = {}): SimEvent[] {
  return events.filter((e) =>
    e.event === kind &&
    Object.entries(where).every(([k, v]) => JSON.stringify(e[k]) === JSON.stringify(v))
  );
}

async function assertNoSecrets(path: string) {
  const text = await Deno.readTextFile(path);
  assert.ok(!text.includes(PASSWORD), `password found in ${path}`);
  assert.ok(!text.includes(SECRET), `TOTP secret found in ${path}`);
  assert.ok(!/\bD?U\d{4,}\b/.test(text), `account id found in ${path}`);
}

Deno.test("gateway-sim: install layout", async () => {
  const root = await Deno.makeTempDir({ prefix: "ibg-sim-install-" });
  try {
    const inst = await installSimGateway({ root });
    assert.deepEqual(inst.version, "10.45.1j");
    assert.deepEqual(inst.programDir, join(root, "ibgateway", "10.45.1j"));
    const jars = [...Deno.readDirSync(inst.jarsDir)].map((e) => e.name).sort();
    assert.ok(
      jars.includes("jts4launch-1045.jar") && jars.includes("twslaunch-1045.jar"),
      `${jars}`,
    );
    for (
      const jar of [
        ...jars.map((j) => join(inst.jarsDir, j)),
        join(inst.programDir, ".install4j", "i4jruntime.jar"),
      ]
    ) {
      const head = (await Deno.readFile(jar)).slice(0, 4);
      assert.deepEqual([...head], [0x50, 0x4b, 0x03, 0x04], `${jar} is not a zip`);
    }
    const vm = await Deno.readTextFile(join(inst.programDir, "ibgateway.vmoptions"));
    assert.ok(vm.split("\n").includes("-Xmx768m"));
    assert.ok(vm.split("\n").some((l) => l.startsWith("-D")));
    const jre = (await Deno.readTextFile(join(inst.programDir, ".install4j", "inst_jre.cfg")))
      .trim();
    assert.ok((await Deno.stat(join(jre, "bin", "java"))).isFile, `inst_jre.cfg points at ${jre}`);
    const params = await Deno.readTextFile(join(inst.programDir, ".install4j", "i4jparams.conf"));
    assert.match(params, /-DjxBrowserKey=[^" ]+/);
    assert.ok(((await Deno.stat(inst.launcher)).mode ?? 0) & 0o111, "launcher is not executable");

    // TWS as IBKR's TWS installer lays it out: <root>/<NNNN>, tws.vmoptions, the `tws` launcher.
    const tws = await installSimGateway({ root, product: "tws" });
    assert.equal(tws.programDir, join(root, "1045"));
    assert.equal(tws.launcher, join(root, "1045", "tws"));
    const twsVm = await Deno.readTextFile(join(tws.programDir, "tws.vmoptions"));
    assert.ok(twsVm.split("\n").includes("-Xmx768m"));
    const twsParams = await Deno.readTextFile(join(tws.programDir, ".install4j", "i4jparams.conf"));
    assert.match(twsParams, /mainClass="jclient\.LoginFrame"/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("gateway-sim: its TOTP matches RFC 6238 and oathtool", async () => {
  const root = await Deno.makeTempDir({ prefix: "ibg-sim-totp-" });
  try {
    const inst = await installSimGateway({ root });
    const jar = join(inst.jarsDir, "jts4launch-1045.jar");
    const code = async (secret: string, t: number, digits: number) => {
      const out = await new Deno.Command("java", {
        args: ["-cp", jar, "ibgateway.sim.Totp", secret, String(t), String(digits)],
        stdout: "piped",
      }).output();
      return new TextDecoder().decode(out.stdout).trim();
    };
    // RFC 6238 SHA1 vectors (secret "12345678901234567890"), sources.md lab "TOTP".
    const rfc = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    assert.deepEqual(await code(rfc, 59, 8), "94287082");
    assert.deepEqual(await code(rfc, 1111111109, 8), "07081804");
    assert.deepEqual(await code(rfc, 2000000000, 8), "69279037");
    const t = 1_700_000_000;
    const oath = await new Deno.Command("oathtool", {
      args: ["--totp", "-b", `--now=@${t}`, SECRET],
      stdout: "piped",
    }).output();
    assert.deepEqual(await code(SECRET, t, 6), new TextDecoder().decode(oath.stdout).trim());
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("gateway-sim: GUI scenarios under Xvfb", async (t) => {
  const root = await Deno.makeTempDir({ prefix: "ibg-sim-" });
  const ctx: Ctx = {
    root,
    install: await installSimGateway({ root: join(root, "Jts") }),
    xvfb: await startXvfb(),
    running: [],
  };
  try {
    await t.step(
      "default paper + TOTP login reaches the API port; the handshake answers",
      async () => {
        const port = freePort();
        // A -DjtsConfigDir in INSTALL4J_ADD_VM_PARAMS must lose to -VjtsConfigDir (sources.md peers A3).
        const sim = await start(ctx, "default", merge(FAST, { drive: DRIVE }), {
          port,
          vmParams: [`-DjtsConfigDir=${join(root, "wrong")}`],
        });
        const listening = await waitForSimEvent(
          sim.eventsPath,
          (e) => e.event === "api-listening",
          {
            what: "api-listening",
          },
        );
        assert.deepEqual(listening.port, port);

        // Handshake: server version and connection time.
        const a = await ApiConn.open(port);
        const hello = await a.read();
        assert.ok(hello && hello.length === 2, `handshake reply ${hello}`);
        assert.deepEqual(hello[0], "178");
        assert.match(hello[1], /^\d{8} \d\d:\d\d:\d\d/);
        // START_API: managedAccounts (15) and nextValidId (9).
        await a.send(["71", "2", "999", ""]);
        const replies = [await a.read(), await a.read()];
        assert.ok(
          replies.some((r) => r?.[0] === "15" && r[2] === "DU1234567"),
          JSON.stringify(replies),
        );
        assert.ok(
          replies.some((r) => r?.[0] === "9" && r[2] === "1"),
          JSON.stringify(replies),
        );
        // A second client at the same time, with a version range the sim caps at its maximum.
        const b = await ApiConn.open(port, "v157..203 +PACEAPI");
        assert.deepEqual((await b.read())?.[0], "178");
        await b.send(["71", "2", "7", ""]);
        assert.deepEqual((await b.read())?.[0], "15");
        // A duplicate client id is refused with error 326.
        const c = await ApiConn.open(port);
        await c.read();
        await c.send(["71", "2", "999", ""]);
        const err = await c.read();
        assert.deepEqual(err?.slice(0, 4), ["4", "2", "-1", "326"]);
        a.close();
        b.close();
        c.close();

        const ev = await readSimEvents(sim.eventsPath);
        const start0 = find(ev, "sim-start")[0];
        assert.deepEqual(start0.settingsDir, sim.settingsDir);
        assert.ok(find(ev, "window-shown", { title: "IBKR Gateway", kind: "frame" }).length >= 1);
        assert.ok(find(ev, "toggle", { toggle: "Paper Trading", selected: true }).length === 1);
        assert.deepEqual(find(ev, "field-set", { field: "username" })[0].value, "simuser");
        const pw = find(ev, "field-set", { field: "password" }).at(-1)!;
        assert.deepEqual([pw.length, pw.correct, "value" in pw], [PASSWORD.length, true, false]);
        assert.ok(
          find(ev, "click", { window: "IBKR Gateway", button: "Paper Log In" }).length === 1,
        );
        assert.ok(find(ev, "window-shown", { title: "Gateway", modal: true }).length === 1);
        assert.ok(find(ev, "window-shown", { title: "Second Factor Authentication" }).length === 1);
        const code = find(ev, "field-set", { field: "2fa-code" }).at(-1)!;
        assert.deepEqual([code.length, code.correct, "value" in code], [6, true, false]);
        assert.ok(find(ev, "twofa-result", { ok: true }).length === 1);
        assert.ok(find(ev, "window-shown", { title: "Starting application..." }).length === 1);
        assert.ok(
          find(ev, "click", { window: "Warning", button: "I understand and accept" }).length === 1,
        );
        assert.ok(find(ev, "login-result", { ok: true, mode: "paper" }).length === 1);
        assert.deepEqual(find(ev, "api-client").map((e) => e.serverVersion), [178, 178, 178]);
        assert.deepEqual(find(ev, "api-start").map((e) => [e.clientId, e.ok]), [
          [999, true],
          [7, true],
          [999, false],
        ]);
        const seqs = ev.map((e) => e.seq);
        assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y));

        const log = await Deno.readTextFile(join(sim.settingsDir, "launcher.log"));
        for (
          const line of ["Authenticating", "AuthTimeoutMonitor-CCP: activate", "NS_AUTH_START"]
        ) {
          assert.ok(log.includes(line), `launcher.log lacks ${line}`);
        }
        assert.match(await Deno.readTextFile(join(sim.settingsDir, "jts.ini")), /tradingMode=p/);

        // A signal is not Gateway's close path: recorded, and the session is not released.
        await sim.stop();
        const after = await readSimEvents(sim.eventsPath);
        assert.deepEqual(find(after, "session-released").length, 0);
        assert.ok(find(after, "exit", { cause: "signal" }).length === 1);
        await assertNoSecrets(sim.eventsPath);
        await assertNoSecrets(join(sim.settingsDir, "launcher.log"));
      },
    );

    await t.step("a wrong TOTP code is rejected and the login fails", async () => {
      const port = freePort();
      const sim = await start(
        ctx,
        "wrong-totp",
        merge(FAST, { twofa: { maxCodeAttempts: 2 }, drive: { ...DRIVE, twofa: "wrong" } }),
        { port },
      );
      const failed = await waitForSimEvent(
        sim.eventsPath,
        (e) => e.event === "login-result" && e.ok === false,
        { what: "login-result ok=false" },
      );
      assert.deepEqual(failed.reason, "twofa-failed");
      const ev = await readSimEvents(sim.eventsPath);
      assert.deepEqual(find(ev, "twofa-result").map((e) => [e.ok, e.reason]), [[false, "wrong"], [
        false,
        "wrong",
      ]]);
      assert.ok(find(ev, "field-set", { field: "2fa-code", correct: false }).length >= 1);
      assert.deepEqual(find(ev, "api-listening").length, 0);
      await sim.stop();
      await assertNoSecrets(sim.eventsPath);
    });

    await t.step("OK on the Connecting to server... modal cancels the login", async () => {
      const sim = await start(
        ctx,
        "trap",
        merge(FAST, {
          delays: { connectMs: 60_000 },
          drive: { ...DRIVE, clickConnectingOk: true },
        }),
        { port: freePort() },
      );
      const result = await waitForSimEvent(sim.eventsPath, (e) => e.event === "login-result", {
        what: "login-result",
      });
      assert.deepEqual([result.ok, result.reason], [false, "cancelled"]);
      const ev = await readSimEvents(sim.eventsPath);
      assert.ok(find(ev, "click", { window: "Gateway", button: "OK" }).length === 1);
      const log = await Deno.readTextFile(join(sim.settingsDir, "launcher.log"));
      assert.ok(log.includes("Authenticating") && !log.includes("NS_AUTH_START"), log);
      await sim.stop();
    });

    await t.step("bad credentials: Gateway's text, NS_AUTH_START then Timeout!", async () => {
      const sim = await start(
        ctx,
        "bad-creds",
        merge(FAST, { drive: { ...DRIVE, password: "not-the-password" } }),
        { port: freePort() },
      );
      const result = await waitForSimEvent(sim.eventsPath, (e) => e.event === "login-result", {
        what: "login-result",
      });
      assert.deepEqual([result.ok, result.reason], [false, "bad-credentials"]);
      await waitForSimEvent(
        sim.eventsPath,
        (e) => e.event === "click" && e.window === "Gateway" && e.button === "OK",
        { what: "the driver dismissing the failure dialog" },
      );
      const log = await Deno.readTextFile(join(sim.settingsDir, "launcher.log"));
      assert.match(log, /NS_AUTH_START[\s\S]*AuthTimeoutMonitor-CCP: Timeout!/);
      const ev = await readSimEvents(sim.eventsPath);
      assert.deepEqual(find(ev, "field-set", { field: "password" }).at(-1)!.correct, false);
      await sim.stop();
    });

    await t.step(
      "configuration persists, reads back, and File > Close exits 0 releasing the session",
      async () => {
        const port = freePort();
        const newPort = freePort();
        const sim = await start(
          ctx,
          "configure",
          merge(FAST, {
            drive: {
              ...DRIVE,
              configure: {
                socketPort: String(newPort),
                masterClientId: "7",
                autoTime: "11:30",
                ampm: "AM",
                action: "restart",
                reopen: true,
              },
              exitAfterLogin: true,
            },
          }),
          { port },
        );
        const status = await sim.status;
        assert.deepEqual(status.code, 0, sim.output());
        const ev = await readSimEvents(sim.eventsPath);
        const changed = Object.fromEntries(
          find(ev, "setting-changed").map((e) => [e.key, e.value]),
        );
        assert.deepEqual(changed.socketPort, String(newPort));
        assert.deepEqual(changed.masterClientId, "7");
        assert.deepEqual([changed.autoTime, changed.autoAmPm, changed.autoAction], [
          "11:30",
          "AM",
          "restart",
        ]);
        const back = find(ev, "drive-readback")[0];
        assert.deepEqual([back.socketPort, back.masterClientId, back.autoTime], [
          String(newPort),
          "7",
          "11:30",
        ]);
        assert.ok(back["selected:AM"] && back["selected:Auto restart"], JSON.stringify(back));
        assert.deepEqual(find(ev, "api-listening").map((e) => e.port), [port, newPort]);
        assert.ok(
          find(ev, "tree-select", { path: ["Configuration", "API", "Settings"] }).length >= 1,
        );
        assert.ok(find(ev, "menu", { path: ["File", "Close"] }).length === 1);
        assert.ok(find(ev, "click", { button: "Yes" }).length === 1);
        assert.ok(find(ev, "session-released").length === 1);
        assert.deepEqual(find(ev, "exit").map((e) => [e.code, e.cause]), [[0, "user"]]);
        await assertNoSecrets(sim.eventsPath);
      },
    );

    await t.step(
      "auto-restart writes the token and -Drestart resumes without the login form",
      async () => {
        const port = freePort();
        const settingsDir = join(root, "restart");
        const first = await start(
          ctx,
          "restart",
          merge(FAST, { faults: { autoRestartAfterMs: 0 }, drive: DRIVE }),
          { port, settingsDir },
        );
        assert.deepEqual((await first.status).code, 0, first.output());
        const ev1 = await readSimEvents(first.eventsPath);
        const dir = find(ev1, "auto-restart")[0].dir as string;
        assert.match(dir, /^[a-z]{40}$/);
        assert.ok((await Deno.stat(join(settingsDir, dir, "autorestart"))).isFile);
        await Deno.remove(first.eventsPath);

        // The driver is there only to accept the paper Warning, which follows a resume too.
        const second = await start(ctx, "restart", merge(FAST, { drive: DRIVE }), {
          settingsDir,
          vmParams: [`-Drestart=${join(settingsDir, dir)}`],
        });
        await waitForSimEvent(second.eventsPath, (e) => e.event === "api-listening", {
          what: "api-listening",
        });
        const ev2 = await readSimEvents(second.eventsPath);
        assert.ok(find(ev2, "restart-resume", { ok: true }).length === 1);
        assert.deepEqual(find(ev2, "window-shown", { title: "IBKR Gateway" }).length, 0);
        assert.deepEqual(find(ev2, "login-result", { ok: true })[0].resumed, true);
        await second.stop();
      },
    );

    await t.step("hyphenated build: IBKR-Gateway, Paper-Trading, Paper-Login", async () => {
      const sim = await start(
        ctx,
        "hyphen",
        merge(FAST, { build: "hyphenated", drive: DRIVE }),
        { port: freePort() },
      );
      await waitForSimEvent(sim.eventsPath, (e) => e.event === "api-listening", {
        what: "api-listening",
      });
      const ev = await readSimEvents(sim.eventsPath);
      assert.ok(find(ev, "window-shown", { title: "IBKR-Gateway", kind: "frame" }).length >= 1);
      assert.ok(find(ev, "toggle", { toggle: "Paper-Trading", selected: true }).length === 1);
      assert.ok(find(ev, "click", { button: "Paper-Login" }).length === 1);
      await sim.stop();
    });

    await t.step(
      "fault mix: CCP timeout, existing session, device list, notices, later re-login",
      async () => {
        const sim = await start(
          ctx,
          "fault-mix",
          merge(FAST, {
            twofa: { kind: "device-select" },
            faults: {
              silentCcpTimeouts: 1,
              ccpTimeoutMs: 200,
              existingSession: true,
              passwordExpiry: { daysLeft: 3 },
              disclaimers: [
                "paper-warning",
                "login-messages",
                "tokens-expired",
                "newer-version",
                "tip-of-the-day",
              ],
              laterDialogs: [{ afterMs: 0, kind: "relogin" }],
            },
            drive: DRIVE,
          }),
          { port: freePort() },
        );
        const relogin = await waitForSimEvent(
          sim.eventsPath,
          (e) => e.event === "login-result" && e.ok === true && e.relogin === true,
          { what: "the re-login result" },
        );
        // The API port opens again just after the result is logged.
        await waitForSimEvent(
          sim.eventsPath,
          (e) => e.event === "api-listening" && e.seq > relogin.seq,
          { what: "the API port open again after the re-login" },
        );
        const ev = await readSimEvents(sim.eventsPath);
        const log = await Deno.readTextFile(join(sim.settingsDir, "launcher.log"));
        assert.match(log, /Timeout![\s\S]*NS_AUTH_START[\s\S]*COMPETE: session kicked out/);
        assert.deepEqual(find(ev, "existing-session")[0].choice, "Continue Login");
        assert.deepEqual(find(ev, "list-select")[0].item, " Mobile Authenticator app");
        assert.deepEqual(find(ev, "twofa-device")[0].device, "Mobile Authenticator app");
        for (
          const title of [
            "Password Notice",
            "Login Messages",
            "Security Notice",
            "Warning",
            "Tip of the Day",
            "Re-login is required",
          ]
        ) {
          assert.ok(find(ev, "window-shown", { title }).length === 1, `no window ${title}`);
        }
        assert.ok(find(ev, "click", { button: "Resume login" }).length === 1);
        assert.ok(find(ev, "click", { button: "Re-login" }).length === 1);
        assert.deepEqual(find(ev, "api-listening").length, 2);
        assert.deepEqual(find(ev, "api-closed").length, 1);
        await sim.stop();
      },
    );

    await t.step(
      "IB Key push, EDT freeze and slow API port; too many failed attempts",
      async () => {
        const push = await start(
          ctx,
          "push",
          merge(FAST, {
            twofa: { kind: "ibkey", approveAfterMs: 100 },
            faults: { edtFreeze: { phase: "twofa", ms: 300 }, slowApiPortMs: 200 },
            drive: DRIVE,
          }),
          { port: freePort() },
        );
        await waitForSimEvent(push.eventsPath, (e) => e.event === "api-listening", {
          what: "api-listening",
        });
        const ev = await readSimEvents(push.eventsPath);
        assert.ok(find(ev, "twofa-result", { ok: true, method: "ibkey" }).length === 1);
        assert.ok(find(ev, "edt-freeze", { phase: "twofa", ms: 300 }).length === 1);
        assert.deepEqual(find(ev, "field-set", { field: "2fa-code" }).length, 0);
        await push.stop();

        const many = await start(
          ctx,
          "too-many",
          merge(FAST, {
            faults: { badCredentials: 1, tooManyAttempts: { afterFailures: 1, waitSeconds: 75 } },
            drive: { ...DRIVE, maxLogins: 2 },
          }),
          { port: freePort() },
        );
        await waitForSimEvent(
          many.eventsPath,
          (e) => e.event === "login-result" && e.reason === "too-many-attempts",
          { what: "the lockout" },
        );
        const ev2 = await readSimEvents(many.eventsPath);
        assert.deepEqual(find(ev2, "login-result").map((e) => e.reason), [
          "bad-credentials",
          "too-many-attempts",
        ]);
        await many.stop();
      },
    );

    await t.step("an injected crash exits with the scenario's code at its phase", async () => {
      const sim = await start(
        ctx,
        "crash",
        merge(FAST, { faults: { crash: { phase: "twofa", exitCode: 3 } }, drive: DRIVE }),
        { port: freePort() },
      );
      assert.deepEqual((await sim.status).code, 3);
      const ev = await readSimEvents(sim.eventsPath);
      assert.deepEqual(find(ev, "exit").map((e) => [e.code, e.cause, e.phase]), [[
        3,
        "crash",
        "twofa",
      ]]);
    });
  } finally {
    for (const sim of ctx.running) await sim.stop();
    await ctx.xvfb.stop();
    await Deno.remove(root, { recursive: true });
  }
});
