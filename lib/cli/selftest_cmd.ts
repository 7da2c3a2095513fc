/**
 * `ibg-pilot selftest --until login-frame`: launches Gateway, checks its login frame against the
 * dialog catalogue, writes the tree (and a picture), closes Gateway, and prints a report. Needs no
 * IBKR account; the nightly smoke workflow runs it against IBKR's real Gateway builds.
 */

import { selftest } from "../selftest/run.ts";
import { reportLines } from "../selftest/login_frame.ts";
import { parseFlags, SETTING_OPTIONS, settingOverrides } from "./args.ts";
import { loadForCommand, timeoutSeconds } from "./context.ts";
import { EXIT, usageError } from "./exit.ts";

/** The stages the self-test can run until. */
export const STAGES = ["login-frame"] as const;

/** Where the tree and picture go without --out. */
export const DEFAULT_OUT = "/tmp/ibg-pilot-selftest";

/** Default --timeout: a cold Gateway start in a container on a slow runner. */
export const DEFAULT_TIMEOUT_S = 180;

export const HELP = `Usage: ibg-pilot selftest --until login-frame [--out DIR] [--timeout SECONDS]

Launches IB Gateway as 'run' does (with the agent; its own Xvfb when DISPLAY is unset), waits
for the login frame, and checks every string ibg-pilot's dialog catalogue expects on it: the
title, the IB API / FIX CTCI and Live / Paper Trading toggles, the Trading Mode label and the
Log In button in both trading modes (it selects the other mode and back; it never logs in).
It writes the frame's component tree to DIR/login-frame.json (redacted) and
DIR/login-frame.txt, and a picture per mode, DIR/login-frame-<mode>.png (painted inside
Gateway's JVM; typed-in fields painted empty), then closes Gateway through its own close path and prints one line per check.
No IBKR account or credentials are needed. TWS_PATH and the other launch settings apply.

Options:
  --until STAGE       how far to go; only login-frame for now
  --out DIR           where the tree and picture go (default ${DEFAULT_OUT})
  --timeout SECONDS   how long Gateway may take to show the login frame (default ${DEFAULT_TIMEOUT_S})
  --set NAME=VALUE    override a setting; repeatable
  --mode MODE         which settings directory and agent socket (live or paper; default paper)
  --tws-path PATH     same as --set TWS_PATH=PATH
  -h, --help          this help

Exit codes: 0 every string found and Gateway closed through its own path; 1 a string is
missing (the report names it and the catalogue constant to extend), no login frame, or
Gateway had to be ended by signals; 2 usage or configuration error. See docs/cli.md.`;

/** Runs the command; resolves to the exit code. */
export async function selftestCommand(args: string[]): Promise<number> {
  const { values } = parseFlags("selftest", args, HELP, {
    ...SETTING_OPTIONS,
    until: { type: "string" },
    out: { type: "string" },
    timeout: { type: "string" },
  });
  if (!STAGES.includes(values.until as typeof STAGES[number])) {
    throw usageError(
      `selftest needs --until ${STAGES.join("|")}${
        values.until === undefined ? "" : `, not ${JSON.stringify(values.until)}`
      }\nSee: ibg-pilot selftest --help`,
    );
  }
  if (values.mode === "both") {
    throw usageError("selftest runs one Gateway: --mode live or paper, not both");
  }
  const deadlineMs = timeoutSeconds(values.timeout, DEFAULT_TIMEOUT_S) * 1000;
  const config = loadForCommand(settingOverrides(values)).values;
  const outDir = values.out ?? DEFAULT_OUT;
  const r = await selftest({ config, env: Deno.env.toObject(), outDir, deadlineMs });

  const lines = [`ibg-pilot selftest --until login-frame: ${r.ok ? "PASS" : "FAIL"}`];
  if (r.loginFrameMs !== undefined) {
    const rss = r.residentMb === undefined
      ? ""
      : ` (ibg-pilot ${r.residentMb.toFixed(1)} MB resident)`;
    lines.push(`login frame after ${r.loginFrameMs} ms${rss}`);
  }
  lines.push(...reportLines(r.checks));
  for (const p of r.problems) lines.push(`PROBLEM  ${p}`);
  if (r.written) {
    lines.push(`tree:    ${r.written.json}`, `         ${r.written.text}`);
    for (const p of r.written.pictures) lines.push(`picture: ${p}`);
  }
  if (r.pictureNote) lines.push(`picture: none (${r.pictureNote})`);
  if (r.closed) {
    lines.push(
      `Gateway ${r.gatewayPid ?? ""} closed: ${
        r.closed === "clean" ? "through its own close path" : r.closed
      }`,
    );
  }
  const missing = r.checks.filter((c) => c.found === undefined).map((c) => c.what);
  if (missing.length) lines.push(`missing: ${missing.join(", ")}`);
  (r.ok ? console.log : console.error)(lines.join("\n"));
  return r.ok ? EXIT.OK : EXIT.FAILURE;
}
