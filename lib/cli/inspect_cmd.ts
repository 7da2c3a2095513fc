/**
 * `ibg-pilot inspect`: prints the live windows and component trees of a running Gateway
 * (passwords masked as their length), as an indented tree or JSON. This is how anyone adapts
 * ibg-pilot to a new Gateway build: the strings it shows are what the dialog catalogue matches.
 * It talks to the agent a running `ibg-pilot run` loaded (the agent accepts several clients).
 */

import type { ComponentNode } from "../ui/port.ts";
import { agentSocketPath } from "../gateway/mod.ts";
import { connectAgent } from "../ui/agent/client.ts";
import { COMMON_OPTIONS, parseFlags, SETTING_OPTIONS, settingOverrides } from "./args.ts";
import { loadForCommand } from "./context.ts";
import { EXIT, ExitError } from "./exit.ts";

export const HELP = `Usage: ibg-pilot inspect [--mode live|paper] [--json] [--all]

Prints Gateway's showing windows and their component trees: type, role, component name, text
(passwords only as their length), enabled/selected state. Needs a running 'ibg-pilot run' for
that mode (it connects to the agent socket in PILOT_RUNTIME_DIR).

Options:
  --mode MODE   which session (default: TRADING_MODE, paper for both)
  --json        one JSON document instead of a tree
  --all         include windows that are not showing
  -h, --help    this help`;

function line(n: ComponentNode, depth: number, out: string[]) {
  const bits = [n.type];
  if (n.role !== "other" && n.role !== n.type) bits.push(`role=${n.role}`);
  if (n.name) bits.push(`name=${JSON.stringify(n.name)}`);
  if (n.passwordLength !== undefined) bits.push(`<password len=${n.passwordLength}>`);
  else if (n.text) bits.push(`text=${JSON.stringify(n.text.slice(0, 120))}`);
  if (n.accessibleName && n.accessibleName !== n.text) {
    bits.push(`accessible=${JSON.stringify(n.accessibleName)}`);
  }
  if (n.selected) bits.push("selected");
  if (!n.enabled) bits.push("disabled");
  if (!n.showing) bits.push("hidden");
  if (n.items?.length) bits.push(`items=${JSON.stringify(n.items)}`);
  out.push(`${"  ".repeat(depth)}${bits.join(" ")}`);
  for (const c of n.children) line(c, depth + 1, out);
}

/** Runs the command; resolves to the exit code. */
export async function inspectCommand(args: string[]): Promise<number> {
  const { values } = parseFlags("inspect", args, {
    ...COMMON_OPTIONS,
    ...SETTING_OPTIONS,
    json: { type: "boolean" },
    all: { type: "boolean" },
  });
  if (values.help) {
    console.log(HELP);
    return EXIT.OK;
  }
  const c = loadForCommand(settingOverrides({ ...values, mode: undefined })).values;
  const mode = (values.mode ?? (c.TRADING_MODE === "live" ? "live" : "paper")) as "live" | "paper";
  if (mode !== "live" && mode !== "paper") {
    throw new ExitError(EXIT.USAGE, `--mode must be live or paper, not ${mode}`);
  }
  const socket = agentSocketPath(c.PILOT_RUNTIME_DIR ?? "/tmp/ibg-pilot", mode);
  let client;
  try {
    client = await connectAgent(socket, { helloDeadlineMs: 3_000, subscribe: false });
  } catch (e) {
    throw new ExitError(
      EXIT.NOT_OK,
      `no Gateway agent answers on ${socket} (${e instanceof Error ? e.message : e}).\n` +
        `Start 'ibg-pilot run' for the ${mode} session first, or set PILOT_RUNTIME_DIR to the one it uses.`,
    );
  }
  try {
    const windows = await client.windows({ all: values.all });
    const out = [];
    for (const w of windows) {
      const tree = await client.snapshot(w.id).catch(() => undefined);
      out.push({ window: w, tree });
    }
    if (values.json) console.log(JSON.stringify(out, null, 2));
    else {
      for (const { window: w, tree } of out) {
        console.log(
          `== ${w.kind} ${JSON.stringify(w.title)} (${w.className}${
            w.modal ? ", modal" : ""
          }) id=${w.id}`,
        );
        const lines: string[] = [];
        if (tree) line(tree, 1, lines);
        console.log(lines.join("\n"));
      }
    }
  } finally {
    await client.close();
  }
  return EXIT.OK;
}
