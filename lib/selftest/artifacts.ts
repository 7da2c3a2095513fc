/**
 * The files a self-test leaves behind for a human or a CI artifact upload: the login frame's
 * component tree as redacted JSON, its text dump (dump.ts, the format the unknown-window report
 * uses) and, when the UI channel can paint windows, a PNG. Redaction follows dump.ts: passwords
 * only as their length, editable field values masked, account ids and registered secrets removed,
 * so the artifacts are safe to publish from a public CI run.
 */

import { join } from "node:path";
import { dumpWindow, redactText } from "../dialogs/dump.ts";
import type { ComponentNode, WindowInfo } from "../ui/port.ts";
import type { Check } from "./login_frame.ts";

/** A component tree with every value a user could have typed masked. */
export function redactTree(node: ComponentNode): ComponentNode {
  const out: ComponentNode = { ...node, children: node.children.map(redactTree) };
  const typed = node.role === "password" || (node.editable !== false &&
    (node.role === "text" || node.role === "textarea" ||
      (node.role === "combo" && node.editable === true)));
  if (typed) {
    delete out.text;
    if (node.role !== "password" && node.text) out.text = `<text len=${node.text.length}>`;
  } else if (node.text !== undefined) out.text = redactText(node.text);
  if (node.name !== undefined) out.name = redactText(node.name);
  if (node.accessibleName !== undefined) {
    if (node.role === "password") delete out.accessibleName;
    else out.accessibleName = redactText(node.accessibleName);
  }
  if (node.items) out.items = node.items.map(redactText);
  return out;
}

/** One look at the login frame: the window, its tree and which trading mode was selected. */
export interface FrameView {
  mode: "live" | "paper" | "unknown";
  window: WindowInfo;
  tree: ComponentNode;
}

/** What the self-test wrote. */
export interface Written {
  json: string;
  text: string;
  pictures: string[];
}

/**
 * Writes `login-frame.json` (checks and redacted trees), `login-frame.txt` (text dumps) and one
 * `login-frame-<mode>.png` per picture into `dir` (created if missing).
 */
export async function writeArtifacts(
  dir: string,
  views: readonly FrameView[],
  checks: readonly Check[],
  pictures: ReadonlyMap<string, Uint8Array>,
): Promise<Written> {
  await Deno.mkdir(dir, { recursive: true });
  const json = join(dir, "login-frame.json");
  const text = join(dir, "login-frame.txt");
  const doc = {
    checks: checks.map((c) => ({
      what: c.what,
      where: c.where,
      catalogue: c.source,
      anyOf: c.anyOf,
      found: c.found ?? null,
    })),
    views: views.map((v) => ({
      mode: v.mode,
      window: { ...v.window, title: redactText(v.window.title) },
      tree: redactTree(v.tree),
    })),
  };
  await Deno.writeTextFile(json, JSON.stringify(doc, null, 2) + "\n");
  await Deno.writeTextFile(
    text,
    views.map((v) => `# trading mode selected: ${v.mode}\n${dumpWindow(v.window, v.tree)}\n`)
      .join("\n"),
  );
  const written: string[] = [];
  for (const [mode, png] of pictures) {
    const path = join(dir, `login-frame-${mode}.png`);
    await Deno.writeFile(path, png);
    written.push(path);
  }
  return { json, text, pictures: written };
}
