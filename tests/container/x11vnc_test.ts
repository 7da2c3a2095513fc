/**
 * x11vnc as ibg-pilot runs it, against a real Xvfb and a real x11vnc: the password is on no
 * command line and its file is gone once x11vnc listens; a VNC client completes the RFB handshake
 * (version line, VNC authentication with the DES challenge) with the right password and is
 * refused with a wrong one; a killed x11vnc is restarted with ALERT_VNC_EXITED; `doctor` reports
 * it.
 */

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { startXvfb } from "../../lib/container/xvfb.ts";
import { startX11vnc, x11vncArgs } from "../../lib/container/x11vnc.ts";
import { VncSupervisor } from "../../lib/container/vnc_supervise.ts";
import { desEcb } from "../../lib/console/rfb.ts";
import { vncLogin } from "../support/vnc.ts";
import { type AlertEvent, onAlert } from "../../lib/log.ts";
import { freePort } from "../support/net.ts";
import { baseEnv, runCli } from "../support/cli.ts";

const PASSWORD = "vnc-Secr3t";

/** Starts x11vnc with the test password on `display`, loopback `port`, password file in `dir`. */
function startVnc(display: string, port: number, dir: string) {
  return startX11vnc({ display, port, host: "127.0.0.1", password: PASSWORD, runtimeDir: dir });
}

Deno.test("DES of VNC authentication matches the textbook vector", () => {
  const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  const key = Uint8Array.from([0x13, 0x34, 0x57, 0x79, 0x9b, 0xbc, 0xdf, 0xf1]);
  const plain = Uint8Array.from([0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef]);
  assert.equal(hex(desEcb(key, plain)), "85e813540f0ab405");
});

Deno.test("x11vnc: password off argv, file removed, RFB handshake with VNC auth", async () => {
  const xvfb = await startXvfb({ screen: "800x600x24" });
  const dir = await Deno.makeTempDir({ prefix: "ibgp-vnc-" });
  const port = freePort();
  const vnc = await startVnc(xvfb.display, port, dir);
  try {
    const argv = (await Deno.readTextFile(`/proc/${vnc.pid}/cmdline`)).split("\0");
    assert.ok(argv.some((a) => a.endsWith("x11vnc")), `not x11vnc: ${argv.join(" ")}`);
    assert.ok(!argv.join(" ").includes(PASSWORD), "password on x11vnc's command line");
    assert.ok(argv.includes("-forever") && argv.includes("-shared"));
    const file = argv[argv.indexOf("-passwdfile") + 1];
    assert.match(file, /^rm:/);
    assert.equal(existsSync(file.slice(3)), false, "password file left on disk");
    assert.deepEqual([...Deno.readDirSync(dir)], [], "runtime directory not empty");

    const ok = await vncLogin(port, PASSWORD);
    assert.equal(ok.version, "RFB 003.008\n");
    assert.ok(ok.types.includes(2), `no VNC authentication offered: ${ok.types}`);
    assert.equal(ok.result, 0, "right password refused");
    assert.equal(ok.size, "800x600");
    const bad = await vncLogin(port, "wrong-pw");
    assert.notEqual(bad.result, 0, "wrong password accepted");
  } finally {
    await vnc.stop();
    await xvfb.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("x11vnc arguments carry the password file, never the password", () => {
  const args = x11vncArgs({ display: ":5", port: 5900, host: "0.0.0.0", file: "/tmp/x/f" });
  assert.deepEqual(args.slice(args.indexOf("-passwdfile"), args.indexOf("-passwdfile") + 2), [
    "-passwdfile",
    "rm:/tmp/x/f",
  ]);
});

Deno.test("a killed x11vnc is started again, with ALERT_VNC_EXITED", async () => {
  const xvfb = await startXvfb({ screen: "640x480x24" });
  const dir = await Deno.makeTempDir({ prefix: "ibgp-vnc-" });
  const port = freePort();
  const alerts: AlertEvent[] = [];
  const off = onAlert((e) => alerts.push(e));
  const sup = new VncSupervisor({
    display: xvfb.display,
    backoff: () => 0,
    start: () => startVnc(xvfb.display, port, dir),
  });
  try {
    await sup.start();
    const first = sup.current!;
    const restarted = new Promise<void>((resolve) => {
      const unsubscribe = sup.onChange((running) => {
        if (running) {
          unsubscribe();
          resolve();
        }
      });
    });
    Deno.kill(first.pid, "SIGKILL");
    await restarted;
    assert.equal(sup.restarts, 1);
    assert.notEqual(sup.current!.pid, first.pid);
    const exited = alerts.find((a) => a.token === "ALERT_VNC_EXITED");
    assert.ok(exited, "no ALERT_VNC_EXITED");
    assert.equal(exited.fields.signal, "SIGKILL");
    assert.equal((await vncLogin(port, PASSWORD)).result, 0);
  } finally {
    off();
    await sup.stop();
    assert.equal(sup.current, undefined);
    await xvfb.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("doctor reports x11vnc and the console: ready, port taken, settings missing", async () => {
  const port = freePort();
  const doctor = async (env: Record<string, string>) => {
    const r = await runCli(["doctor", "--json"], baseEnv(env));
    const checks = JSON.parse(r.stdout) as { name: string; ok: boolean; detail: string }[];
    return (name: string) => checks.find((c) => c.name === name);
  };
  const free = await doctor({ VNC_SERVER_PASSWORD: PASSWORD, PILOT_VNC_PORT: String(port) });
  assert.equal(free("vnc")?.ok, true, free("vnc")?.detail);
  assert.match(free("vnc")!.detail, new RegExp(`x11vnc will serve the display on port ${port}`));

  const holder = Deno.listen({ hostname: "127.0.0.1", port });
  try {
    const taken = await doctor({ VNC_SERVER_PASSWORD: PASSWORD, PILOT_VNC_PORT: String(port) });
    assert.equal(taken("vnc")?.ok, false);
    assert.match(taken("vnc")!.detail, /already in use/);
  } finally {
    holder.close();
  }
  const consoleCheck = await doctor({ PILOT_CONSOLE: "yes" });
  assert.equal(consoleCheck("console")?.ok, false);
  assert.match(consoleCheck("console")!.detail, /needs CONTROLLER_HEALTH_SERVER_PORT/);
});
