/**
 * `deno task demo`: ibg-pilot against the simulated Gateway, in one command. Builds the jars,
 * starts Xvfb when there is no display, installs the simulator in a temporary directory, runs the
 * real `ibg-pilot run` under its permission set with a demo TOTP secret, prints the state
 * timeline and the health URL, and cleans everything up on Ctrl-C (or after --seconds N).
 *
 * With VNC_SERVER_PASSWORD (or _FILE) in the environment, ibg-pilot owns the display as in a
 * container: it starts Xvfb and x11vnc itself, and the browser console is on; the demo prints
 * where to point a VNC client and the console's address.
 */

import { join } from "node:path";
import { freePort } from "../tests/support/net.ts";
import { parseArgs } from "node:util";
import { buildJava } from "./build_java.ts";
import { buildConsole } from "./build_console.ts";
import { startXvfb, type Xvfb } from "../tests/support/xvfb.ts";
import { installSimGateway } from "../tests/gateway-sim/install.ts";
import { baseEnv } from "../tests/support/cli.ts";
import { startPilot } from "../tests/support/pilot.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { seconds: { type: "string" }, mode: { type: "string", default: "paper" } },
});

/** A TOTP secret for the simulator only: not an IBKR secret. */
const DEMO_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

console.log("building the agent and the simulator ...");
await buildJava("agent");
await buildConsole();
await buildJava("sim");
const dir = await Deno.makeTempDir({ prefix: "ibg-pilot-demo-" });
const vncPassword = Deno.env.get("VNC_SERVER_PASSWORD");
const vncPasswordFile = Deno.env.get("VNC_SERVER_PASSWORD_FILE");
const withVnc = vncPassword !== undefined || vncPasswordFile !== undefined;
const vncPort = Number(Deno.env.get("PILOT_VNC_PORT") ?? 5900);
let xvfb: Xvfb | undefined;
let display = withVnc ? undefined : Deno.env.get("DISPLAY");
if (!display && !withVnc) {
  xvfb = await startXvfb();
  display = xvfb.display;
  console.log(`no display: started Xvfb on ${display} (pid ${xvfb.pid})`);
}
const install = await installSimGateway({ root: join(dir, "Jts") });
const settingsDir = join(dir, "settings");
const runtimeDir = join(dir, "rt");
const apiPort = freePort();
const healthPort = freePort();
await Deno.mkdir(settingsDir, { recursive: true });
await Deno.writeTextFile(join(settingsDir, "jts.ini"), `[IBGateway]\nLocalServerPort=${apiPort}\n`);
const scenario = join(dir, "scenario.json");
await Deno.writeTextFile(
  scenario,
  JSON.stringify({
    credentials: { username: "demo", password: "demo-password" },
    twofa: { secret: DEMO_SECRET },
  }),
);
const env = baseEnv({
  ...(display ? { DISPLAY: display } : {}),
  ...(vncPassword !== undefined ? { VNC_SERVER_PASSWORD: vncPassword } : {}),
  ...(vncPasswordFile !== undefined ? { VNC_SERVER_PASSWORD_FILE: vncPasswordFile } : {}),
  ...(withVnc
    ? {
      PILOT_VNC_PORT: String(vncPort),
      PILOT_VNC_HOST: "127.0.0.1",
      PILOT_CONSOLE: "yes",
      PILOT_API_FORWARD: "no",
    }
    : {}),
  TWS_PATH: install.twsPath,
  TWS_SETTINGS_PATH: settingsDir,
  TWS_USERID: "demo",
  TWS_PASSWORD: "demo-password",
  TWOFACTOR_CODE: DEMO_SECRET,
  TRADING_MODE: values.mode ?? "paper",
  TWS_API_PORT: String(apiPort),
  PILOT_RUNTIME_DIR: runtimeDir,
  CONTROLLER_HEALTH_SERVER_PORT: String(healthPort),
  CONTROLLER_READY_FILE: join(dir, "ready"),
  IBG_SIM_SCENARIO: scenario,
  IBG_SIM_EVENTS: join(dir, "sim-events.jsonl"),
});
console.log(`simulated Gateway ${install.version} installed in ${install.twsPath}`);
console.log(`health:  curl -s http://127.0.0.1:${healthPort}/health   (metrics: /metrics)`);
if (withVnc) {
  console.log(
    `VNC:     point a VNC client at 127.0.0.1:${vncPort} (password: VNC_SERVER_PASSWORD), ` +
      `e.g. vncviewer 127.0.0.1::${vncPort}`,
  );
  console.log(
    `console: http://127.0.0.1:${healthPort}/console/   (loopback: no token needed; ` +
      `view only)`,
  );
}
console.log("state timeline:");
const started = Date.now();
const pilot = startPilot(["run"], env, {
  extraUnixSockets: ["live", "paper"].map((m) => join(runtimeDir, `agent-${m}.sock`)),
  logFile: join(dir, "pilot.log"),
});
// Print each state change as it happens, with the time since start.
const seen = new Set<string>();
const timeline = setInterval(() => {
  for (const line of pilot.output().split("\n")) {
    const m = /session\.(\w+): "?([\w-]+)"? -> "?([\w-]+)"?: (.*)$/.exec(line);
    if (m && !seen.has(line)) {
      seen.add(line);
      const t = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
      console.log(`${t}s  [${m[1]}] ${m[2]} -> ${m[3]}  (${m[4].replaceAll('"', "")})`);
    }
    if (/ALERT_/.test(line) && !seen.has(line)) {
      seen.add(line);
      console.log(`        ${line.replace(/^.*?(ALERT_)/, "$1")}`);
    }
  }
}, 100);

let cleaning = false;
async function cleanup(code: number) {
  if (cleaning) return;
  cleaning = true;
  console.log("stopping: ibg-pilot logs out of Gateway cleanly ...");
  const status = await pilot.stop(60_000);
  clearInterval(timeline);
  await xvfb?.stop();
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  console.log(`ibg-pilot exited with ${status.code}; demo files removed`);
  Deno.exit(code);
}
Deno.addSignalListener("SIGINT", () => void cleanup(0));
Deno.addSignalListener("SIGTERM", () => void cleanup(0));
if (values.seconds) setTimeout(() => void cleanup(0), Number(values.seconds) * 1000);
pilot.status.then((s) => {
  if (!cleaning) {
    console.log(`ibg-pilot exited on its own with ${s.code}`);
    void cleanup(s.code);
  }
});
console.log("press Ctrl-C to stop");
