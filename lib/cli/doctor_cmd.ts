/**
 * `ibg-pilot doctor`: checks what `run` needs (the configuration, Java and the Gateway install,
 * the display, the runtime directory, the API ports, and with UI_DRIVER=atspi the accessibility
 * stack) and says how to fix each problem. Exits 0 when everything needed passes, 4 otherwise.
 */

import { agentSocketPath, ensureRuntimeDir, findInstall, findJava } from "../gateway/mod.ts";
import { apiPortFor } from "../config/ports.ts";
import { modesOf } from "../config/mod.ts";
import { parseFlags, SETTING_OPTIONS, settingOverrides } from "./args.ts";
import { loadForCommand } from "./context.ts";
import { EXIT } from "./exit.ts";
import { searchPath } from "../gateway/jre.ts";
import { isHeadless } from "../container/plan.ts";
import { consoleProblems } from "../console/config.ts";
import type { Config } from "../config/mod.ts";
import { errorText } from "../util/errors.ts";

export const HELP = `Usage: ibg-pilot doctor [--json]

Checks Java, the Gateway install, the display, the runtime directory, the API ports and (with
UI_DRIVER=atspi) the accessibility stack, and prints how to fix each problem.
Exits 0 when every check passes, 4 when one fails, 2 when the configuration is invalid.`;

/** One check's outcome. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

function check(name: string, ok: boolean, detail: string, fix?: string): Check {
  return { name, ok, detail, fix };
}

/** A check that failed with `e`, and its fix. */
function failed(name: string, e: unknown, fix: string): Check {
  return check(name, false, errorText(e), fix);
}

function portFree(port: number): boolean {
  try {
    Deno.listen({ hostname: "127.0.0.1", port }).close();
    return true;
  } catch {
    return false;
  }
}

/** x11vnc (VNC_SERVER_PASSWORD, PILOT_CONSOLE) and the console's settings. */
function vncChecks(c: Config, env: Record<string, string>): Check[] {
  const checks: Check[] = [];
  if (c.VNC_SERVER_PASSWORD === undefined && !c.PILOT_CONSOLE) {
    return [check("vnc", true, "off (VNC_SERVER_PASSWORD and PILOT_CONSOLE unset)")];
  }
  const ownsDisplay = c.PILOT_XVFB === "yes" || (c.PILOT_XVFB !== "no" && isHeadless(env));
  const x11vnc = searchPath(env.PATH ?? "/usr/local/bin:/usr/bin:/bin", "x11vnc");
  const port = c.PILOT_VNC_PORT;
  if (!ownsDisplay) {
    checks.push(
      check("vnc", true, "not started: DISPLAY is set, so ibg-pilot does not own the display"),
    );
  } else {
    const free = portFree(port);
    checks.push(
      x11vnc === undefined
        ? check("vnc", false, "x11vnc is not on PATH", "apt-get install x11vnc")
        : free
        ? check("vnc", true, `${x11vnc} will serve the display on port ${port}`)
        : check(
          "vnc",
          false,
          `port ${port} is already in use`,
          "set PILOT_VNC_PORT to a free port",
        ),
    );
  }
  if (c.PILOT_CONSOLE) {
    const problems = consoleProblems(c);
    checks.push({
      name: "console",
      ok: problems.length === 0,
      detail: problems.join("; ") ||
        `on http://${c.CONTROLLER_HEALTH_SERVER_HOST}:${c.CONTROLLER_HEALTH_SERVER_PORT}/console/ (${
          c.PILOT_CONSOLE_CONTROL ? "control" : "view only"
        })`,
      fix: problems.length ? "see docs/console.md" : undefined,
    });
  }
  return checks;
}

/** Runs the command; resolves to the exit code. */
export async function doctorCommand(args: string[]): Promise<number> {
  const { values } = parseFlags("doctor", args, HELP, {
    ...SETTING_OPTIONS,
    json: { type: "boolean" },
  });
  const c = loadForCommand(settingOverrides(values)).values;
  const env = Deno.env.toObject();
  const checks = [check("configuration", true, "valid (ibg-pilot config shows it)")];
  try {
    const install = findInstall({
      twsPath: c.TWS_PATH,
      home: env.HOME,
      product: c.GATEWAY_OR_TWS,
      majorVersion: c.TWS_MAJOR_VRSN,
    });
    checks.push({
      name: "gateway install",
      ok: true,
      detail: `${install.product === "tws" ? "TWS" : "IB Gateway"} ${install.version} in ` +
        `${install.programDir} (main class ${install.mainClass}${
          install.foundAs !== install.product ? `, from the ${install.foundAs} directory` : ""
        })`,
    });
    try {
      const java = findJava({
        programDir: install.programDir,
        javaPath: c.JAVA_PATH,
        pathEnv: env.PATH,
        javaHome: env.JAVA_HOME,
      });
      checks.push(check("java", true, `${java.path} (from ${java.source})`));
    } catch (e) {
      checks.push(failed("java", e, "set JAVA_PATH or install Gateway's JRE"));
    }
  } catch (e) {
    checks.push(
      failed(
        "gateway install",
        e,
        "set TWS_PATH (and TWS_MAJOR_VRSN) to where Gateway is installed",
      ),
    );
  }
  const display = env.DISPLAY;
  const xsock = display
    ? `/tmp/.X11-unix/X${display.replace(/^.*:/, "").split(".")[0]}`
    : undefined;
  let xok = false;
  try {
    xok = xsock !== undefined && Deno.statSync(xsock).isSocket === true;
  } catch { /* missing */ }
  checks.push({
    name: "display",
    ok: xok,
    detail: display
      ? `DISPLAY=${display}${xok ? "" : ` but ${xsock} does not exist`}`
      : "DISPLAY is not set",
    fix: xok
      ? undefined
      : "start Xvfb (for example: Xvfb :1 -screen 0 1024x768x24 &) and set DISPLAY=:1",
  });
  checks.push(...vncChecks(c, env));
  const runtime = c.PILOT_RUNTIME_DIR;
  try {
    await ensureRuntimeDir(runtime, Deno.uid() ?? 0);
    agentSocketPath(runtime, "paper");
    checks.push(check("runtime directory", true, `${runtime} (0700, ours)`));
  } catch (e) {
    checks.push(failed("runtime directory", e, "use the default /tmp/ibg-pilot"));
  }
  const modes = modesOf(c);
  for (const m of modes) {
    const port = apiPortFor(c, m);
    const free = portFree(port);
    const setting = m === "paper" ? "TWS_API_PORT_PAPER" : "TWS_API_PORT";
    checks.push(
      free ? check(`api port ${m}`, true, `${port} is free`) : check(
        `api port ${m}`,
        false,
        `${port} is already in use`,
        `stop the other Gateway (or ibg-pilot) using it, or set ${setting}`,
      ),
    );
  }
  if (c.UI_DRIVER !== "agent") {
    const { atspiDoctor } = await import("../ui/atspi/doctor.ts");
    for (const r of await atspiDoctor({ env: (n) => env[n] })) {
      checks.push(check(`a11y: ${r.name}`, r.ok, r.detail, r.fix));
    }
  }
  if (values.json) console.log(JSON.stringify(checks, null, 2));
  else {
    for (const ch of checks) {
      console.log(
        `${ch.ok ? "ok  " : "FAIL"}  ${ch.name}: ${ch.detail}${
          ch.fix ? `\n      fix: ${ch.fix}` : ""
        }`,
      );
    }
  }
  return checks.every((ch) => ch.ok) ? EXIT.OK : EXIT.NOT_OK;
}
