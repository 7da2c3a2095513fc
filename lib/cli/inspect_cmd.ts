/**
 * `ibg-pilot inspect`: prints the live windows and component trees of a running Gateway
 * (passwords masked as their length), as an indented tree or JSON. This is how anyone adapts
 * ibg-pilot to a new Gateway build: the strings it shows are what the dialog catalogue matches.
 * It talks to the agent a running `ibg-pilot run` loaded (the agent accepts several clients).
 */

import type { ComponentNode, WindowInfo } from "../ui/port.ts";
import { agentSocketPath } from "../gateway/mod.ts";
import { connectAgent } from "../ui/agent/client.ts";
import { parseFlags, SETTING_OPTIONS, settingOverrides } from "./args.ts";
import { loadForCommand } from "./context.ts";
import { EXIT, ExitError } from "./exit.ts";
import { join } from "node:path";
import { settingsDirFor } from "../app/host.ts";
import { makeClassifier } from "../session/intent.ts";
import { EVIDENCE_DIR, type EvidenceRecord, readEvidence } from "../app/unknown_windows.ts";
import { suggestRulesYaml } from "../dialogs/suggest.ts";
import { loadDialogRules } from "./dialog_rules.ts";
import { errorText } from "../util/errors.ts";

export const HELP =
  `Usage: ibg-pilot inspect [--mode live|paper] [--via agent|atspi] [--pid PID] [--json] [--all]
       ibg-pilot inspect --suggest-rule [--mode live|paper]

Prints Gateway's showing windows and their component trees: type, role, component name, text
(passwords only as their length), enabled/selected state. Needs a running 'ibg-pilot run' for
that mode (it connects to the agent socket in PILOT_RUNTIME_DIR). Then lists the unknown windows
recorded in <settings>/unknown-windows/ (redacted tree and picture of each).

--suggest-rule prints a ready-to-edit rules file (YAML, for PILOT_DIALOG_RULES) with one rule per
recorded window that the catalogue and the current rules still do not know; no Gateway needed.

Options:
  --mode MODE   which session (default: TRADING_MODE, paper for both)
  --via atspi   read the windows over AT-SPI (D-Bus) instead of the agent: works on a Gateway
                started by someone else, if its JVM loaded the ATK bridge
  --pid PID     with --via atspi: the Gateway JVM's pid (default: the only Java application)
  --json        one JSON document instead of a tree
  --all         include windows that are not showing
  --suggest-rule  print rules for the recorded unknown windows (docs/dialogs.md)
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

function print(out: { window: WindowInfo; tree?: ComponentNode }[], json?: boolean) {
  if (json) {
    console.log(JSON.stringify(out, null, 2));
    return;
  }
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

function printEvidence(dir: string, seen: { file: string; record: EvidenceRecord }[]) {
  console.log(
    `== unknown windows recorded in ${dir}: ${seen.length}` +
      (seen.length ? " ('ibg-pilot inspect --suggest-rule' turns them into rules)" : ""),
  );
  for (const { file, record } of seen) {
    const w = record.window;
    console.log(
      `${record.at} ${JSON.stringify(w.title)} (${w.className}${w.modal ? ", modal" : ""})`,
    );
    console.log(`  tree    ${file}`);
    if (record.picture) console.log(`  picture ${join(dir, record.picture)}`);
  }
}

/** Runs the command; resolves to the exit code. */
export async function inspectCommand(args: string[]): Promise<number> {
  const { values } = parseFlags("inspect", args, HELP, {
    ...SETTING_OPTIONS,
    json: { type: "boolean" },
    all: { type: "boolean" },
    via: { type: "string" },
    pid: { type: "string" },
    "suggest-rule": { type: "boolean" },
  });
  const c = loadForCommand(settingOverrides({ ...values, mode: undefined })).values;
  if (values.via !== undefined && values.via !== "agent" && values.via !== "atspi") {
    throw new ExitError(EXIT.USAGE, `--via must be agent or atspi, not ${values.via}`);
  }
  if (values.via === "atspi") {
    const pid = values.pid === undefined ? undefined : Number(values.pid);
    if (pid !== undefined && !Number.isInteger(pid)) {
      throw new ExitError(EXIT.USAGE, `--pid must be a number`);
    }
    const { inspectViaAtspi } = await import("../ui/atspi/inspect.ts");
    const seen = await inspectViaAtspi(pid);
    print(seen.windows, values.json);
    return EXIT.OK;
  }
  const mode = (values.mode ?? (c.TRADING_MODE === "live" ? "live" : "paper")) as "live" | "paper";
  if (mode !== "live" && mode !== "paper") {
    throw new ExitError(EXIT.USAGE, `--mode must be live or paper, not ${mode}`);
  }
  const evidenceDir = join(settingsDirFor(c, mode), EVIDENCE_DIR);
  if (values["suggest-rule"]) {
    const classify = makeClassifier(c, mode, await loadDialogRules(c.PILOT_DIALOG_RULES));
    const froms = (await readEvidence(evidenceDir))
      .filter(({ record }) =>
        classify({ ...record.window, id: "", showing: true }, record.tree).unknown
      )
      .map(({ file, record }) => ({
        title: record.window.title,
        className: record.window.className,
        tree: record.tree,
        source: file,
        at: record.at,
      }));
    console.log(suggestRulesYaml(froms).trimEnd());
    return EXIT.OK;
  }
  const socket = agentSocketPath(c.PILOT_RUNTIME_DIR, mode);
  let client;
  try {
    client = await connectAgent(socket, { helloDeadlineMs: 3_000, subscribe: false });
  } catch (e) {
    throw new ExitError(
      EXIT.NOT_OK,
      `no Gateway agent answers on ${socket} (${errorText(e)}).\n` +
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
    print(out, values.json);
  } finally {
    await client.close();
  }
  if (!values.json) printEvidence(evidenceDir, await readEvidence(evidenceDir));
  return EXIT.OK;
}
