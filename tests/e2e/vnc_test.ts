/**
 * VNC_SERVER_PASSWORD on `ibg-pilot run`, as the gnzsnz image's users set it: ibg-pilot (owning
 * the display, no DISPLAY given) says where to point a VNC client; the x11vnc it started has the
 * password on no command line and in no file; a VNC client completes the RFB handshake with the
 * password (and is refused without it) and sees Gateway's screen size; the password appears in
 * none of ibg-pilot's output; on SIGTERM x11vnc ends after the sessions and before Xvfb.
 */

import assert from "node:assert/strict";
import { vncLogin } from "../support/vnc.ts";
import { freePort, withScenario } from "./harness.ts";

const VNC_PASSWORD = "e2e-vnc-Pw";

Deno.test("run with VNC_SERVER_PASSWORD: x11vnc on our display, password off argv, RFB login", async () => {
  const port = freePort();
  let output = "";
  await withScenario({
    headless: true,
    env: {
      VNC_SERVER_PASSWORD: VNC_PASSWORD,
      PILOT_VNC_PORT: String(port),
      PILOT_VNC_HOST: "127.0.0.1",
      PILOT_XVFB_SCREEN: "1024x768x24",
      PILOT_API_FORWARD: "no",
    },
  }, async (run) => {
    await run.line(new RegExp(`VNC: point a VNC client at port "?${port}"?`));
    const started = await run.line(/x11vnc serving display .* \(pid \d+\)/);
    const pid = Number(/\(pid (\d+)\)/.exec(started)![1]);
    const argv = (await Deno.readTextFile(`/proc/${pid}/cmdline`)).split("\0");
    assert.ok(argv.some((a) => a.endsWith("x11vnc")), argv.join(" "));
    assert.ok(!argv.join(" ").includes(VNC_PASSWORD), "the VNC password is on x11vnc's argv");
    assert.ok(argv.includes("-forever") && argv.includes("-shared"), argv.join(" "));
    assert.deepEqual(argv.slice(argv.indexOf("-rfbport"), argv.indexOf("-rfbport") + 2), [
      "-rfbport",
      String(port),
    ]);

    const ok = await vncLogin(port, VNC_PASSWORD);
    assert.equal(ok.version, "RFB 003.008\n");
    assert.ok(ok.types.includes(2), `VNC authentication offered: ${ok.types}`);
    assert.equal(ok.result, 0);
    assert.equal(ok.size, "1024x768", "the VNC client sees ibg-pilot's Xvfb");
    assert.notEqual((await vncLogin(port, "not-it")).result, 0, "a wrong password is refused");
    await run.line(/"post-login" -> "ready"/);
    output = run.pilot.output();
    await run.pilot.stop(60_000);
    output = run.pilot.output();
  });
  assert.ok(!output.includes(VNC_PASSWORD), "the VNC password reached ibg-pilot's output");
  const at = (re: RegExp) => output.split("\n").findIndex((l) => re.test(l));
  const loggedOut = at(/"stopping" -> "stopped"|-> "stopped"/);
  const vncEnded = at(/x11vnc on display .* ended/);
  const xvfbEnded = at(/Xvfb on display .* ended/);
  assert.ok(
    vncEnded > 0 && xvfbEnded > vncEnded,
    `x11vnc ends before Xvfb:\n${output.slice(-3000)}`,
  );
  assert.ok(loggedOut >= 0 && loggedOut < vncEnded, "x11vnc ends after the sessions");
});
