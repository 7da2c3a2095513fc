/**
 * Applies the configuration plan (settings_plan.ts) through the UI port: open Configure >
 * Settings (TWS: Edit or File > Global Configuration...), walk the tree sections, make the edits, press OK; then reopen the dialog and read
 * every value back, because a peer's field incident showed Gateway can accept a value and not
 * keep it. A mismatch emits ALERT_CONFIG_NOT_APPLIED. Waits are for windows, with deadlines.
 */

import { CONFIG, MAIN_WINDOW_TITLE_PARTS } from "../dialogs/catalogue.ts";
import { nodes } from "../dialogs/tree.ts";
import { containsText, sameText } from "../ui/text.ts";
import { alert, log } from "../log.ts";
import type { ComponentNode, UiEvent, UiPort, WindowInfo } from "../ui/port.ts";
import { withDeadline } from "../util/deadline.ts";
import type { Edit, Section } from "./settings_plan.ts";
import type { Mode } from "../config/mod.ts";

/** How long the configuration dialog may take to appear after the menu click. */
export const CONFIG_DIALOG_DEADLINE_MS = 15_000;
/** How long the dialog may take to close after OK or Cancel. */
export const CONFIG_CLOSE_DEADLINE_MS = 10_000;

/**
 * Resolves with the first answer `fromWindows` finds among the windows now, or `fromEvent` in a
 * later UI event; rejects with a DeadlineError naming `deadline` after `ms`.
 */
async function waitForUi<T>(
  ui: UiPort,
  fromWindows: (ws: WindowInfo[]) => T | undefined,
  fromEvent: (e: UiEvent) => T | undefined,
  deadline: { ms: number; name: string; what: string },
): Promise<T> {
  let off = () => {};
  try {
    return await withDeadline(
      new Promise<T>((resolve, reject) => {
        const offer = (v: T | undefined) => v !== undefined && resolve(v);
        off = ui.onEvent((e) => offer(fromEvent(e)));
        ui.windows().then((ws) => offer(fromWindows(ws)), reject);
      }),
      deadline.ms,
      deadline.name,
      deadline.what,
    );
  } finally {
    off();
  }
}

/**
 * Runs `action` while `wait` (started before it, so no event is missed) is pending, then returns
 * what `wait` gives. When the action fails, its error wins and the wait's later rejection is
 * handled: an unhandled rejection would end the whole process (Deno's default), and the action
 * fails exactly when Gateway's JVM has just gone away (seen: a crash during configuration).
 */
export async function afterAction<T>(wait: Promise<T>, action: () => Promise<unknown>): Promise<T> {
  wait.catch(() => {});
  await action();
  return await wait;
}

/** Finds the component an edit targets in a snapshot (the same rules the adapters apply). */
export function findEditTarget(tree: ComponentNode, edit: Edit): ComponentNode | undefined {
  const shown = nodes(tree).filter((n) => n.showing !== false);
  const t = edit.target;
  if (t.name !== undefined) {
    const owner = shown.find((n) => n.name === t.name);
    if (!owner) return undefined;
    // Composite components (a panel named "Socket port") hold the field inside.
    return ["text", "password"].includes(owner.role)
      ? owner
      : nodes(owner).find((n) => n.role === "text");
  }
  if (t.text !== undefined) {
    return shown.find((n) =>
      ["checkbox", "radio", "toggle", "button"].includes(n.role) && sameText(n.text, t.text)
    );
  }
  const label = t.label;
  if (label !== undefined) {
    const i = shown.findIndex((n) => n.role === "label" && containsText(n.text, label));
    if (i < 0) return undefined;
    return shown.slice(i + 1).find((n) => n.role === "text");
  }
  return undefined;
}

/** Compares a snapshot of one section with its edits; returns the settings that differ. */
export function verifySection(tree: ComponentNode, section: Section): string[] {
  const bad: string[] = [];
  for (const edit of section.edits) {
    const node = findEditTarget(tree, edit);
    const ok = node !== undefined &&
      (edit.kind === "text"
        ? (node.text ?? "").trim() === edit.value
        : Boolean(node.selected) === edit.value);
    if (!ok && !bad.includes(edit.setting)) bad.push(edit.setting);
  }
  return bad;
}

/** Whether `tree` holds the menu path (a menu named path[0] with path[1] somewhere under it). */
export function hasMenuPath(tree: ComponentNode, path: readonly string[]): boolean {
  const under = (node: ComponentNode, i: number): boolean =>
    node.children.some((c) =>
      (["menu", "menuitem"].includes(c.role) && sameText(c.text, path[i])
        ? i === path.length - 1 || under(c, i + 1)
        : false) || under(c, i)
    );
  return under(tree, 0);
}

/**
 * The menu path that opens the configuration dialog in this main window: Gateway's Configure >
 * Settings, TWS Classic's Edit > Global Configuration..., or TWS Mosaic's File > Global
 * Configuration... (the first one its menu bar has; Gateway's when none can be seen).
 */
export function configMenuPath(tree: ComponentNode): readonly string[] {
  return CONFIG.menus.find((p) => hasMenuPath(tree, p)) ?? CONFIG.menus[0];
}

/** Gateway's main window: the one the session knows, else a frame titled like one. */
export function findMainWindow(
  windows: readonly WindowInfo[],
  mainWindowId: string | undefined,
): WindowInfo | undefined {
  return windows.find((w) => w.id === mainWindowId) ??
    windows.find((w) =>
      w.kind === "frame" && w.showing &&
      MAIN_WINDOW_TITLE_PARTS.some((t) => containsText(w.title, t))
    );
}

async function openDialog(ui: UiPort, mainWindowId: string | undefined): Promise<WindowInfo> {
  const main = findMainWindow(await ui.windows(), mainWindowId);
  if (!main) throw new Error("Gateway's main window is not showing");
  const path = configMenuPath(await ui.snapshot(main.id));
  const isDialog = (w: WindowInfo) => containsText(w.title, CONFIG.title) && w.id !== main.id;
  return await afterAction(
    waitForUi(
      ui,
      (ws) => ws.find((w) => w.showing && isDialog(w)),
      (e) =>
        (e.type === "window-opened" || e.type === "window-activated") && isDialog(e.window)
          ? e.window
          : undefined,
      {
        ms: CONFIG_DIALOG_DEADLINE_MS,
        name: "CONFIG_DIALOG_DEADLINE_MS",
        what: "the configuration dialog appearing",
      },
    ),
    () => ui.menu(main.id, [...path]),
  );
}

async function closeDialog(ui: UiPort, dialog: WindowInfo, button: string): Promise<void> {
  await afterAction(
    waitForUi(
      ui,
      (ws) => ws.some((w) => w.id === dialog.id && w.showing) ? undefined : true,
      (e) => e.type === "window-closed" && e.windowId === dialog.id ? true : undefined,
      {
        ms: CONFIG_CLOSE_DEADLINE_MS,
        name: "CONFIG_CLOSE_DEADLINE_MS",
        what: "the dialog closing",
      },
    ),
    () => ui.click(dialog.id, { text: button }),
  );
}

/**
 * IBC's ENABLEAPI (TWS): ticks API > Settings `Enable ActiveX and Socket Clients` and presses OK;
 * `already` when it was ticked (the dialog is then cancelled, nothing changed).
 */
export async function enableApi(
  ui: UiPort,
  mainWindowId: string | undefined,
): Promise<"configured" | "already"> {
  const dialog = await openDialog(ui, mainWindowId);
  const box = { text: CONFIG.enableApi };
  try {
    await ui.selectTreePath(dialog.id, [...CONFIG.apiSettings]);
    const tree = await ui.snapshot(dialog.id);
    const node = findEditTarget(tree, {
      kind: "select",
      target: box,
      value: true,
      setting: "TWS_ENABLE_API",
    });
    if (!node) throw new Error(`no check box "${CONFIG.enableApi}" in API > Settings`);
    if (node.selected) {
      await closeDialog(ui, dialog, CONFIG.cancel[0]);
      return "already";
    }
    await ui.setSelected(dialog.id, box, true);
  } catch (e) {
    await closeDialog(ui, dialog, CONFIG.cancel[0]).catch(() => {});
    throw e;
  }
  await closeDialog(ui, dialog, CONFIG.apply[0]);
  return "configured";
}

/** Result of applying the plan. */
export interface ConfigureResult {
  ok: boolean;
  /** Settings whose read-back did not match. */
  mismatches: string[];
  error?: string;
}

/** Applies `plan` and verifies it; emits ALERT_CONFIG_NOT_APPLIED for each mismatch. */
export async function applyPlan(
  ui: UiPort,
  mainWindowId: string | undefined,
  plan: Section[],
  mode: Mode,
): Promise<ConfigureResult> {
  const logger = log("session", mode, "configure");
  if (plan.length === 0) return { ok: true, mismatches: [] };
  let dialog = await openDialog(ui, mainWindowId);
  try {
    for (const section of plan) {
      await ui.selectTreePath(dialog.id, section.path);
      for (const edit of section.edits) {
        if (edit.kind === "text") await ui.setText(dialog.id, edit.target, edit.value);
        else await ui.setSelected(dialog.id, edit.target, edit.value);
      }
      logger.info("applied {section}: {settings}", {
        section: section.path.join(" > "),
        settings: [...new Set(section.edits.map((e) => e.setting))].join(", "),
      });
    }
    await closeDialog(ui, dialog, CONFIG.apply[0]);
  } catch (e) {
    await closeDialog(ui, dialog, CONFIG.cancel[0]).catch(() => {});
    throw e;
  }
  // Read back in a freshly opened dialog.
  dialog = await openDialog(ui, mainWindowId);
  const mismatches: string[] = [];
  try {
    for (const section of plan) {
      await ui.selectTreePath(dialog.id, section.path);
      const tree = await ui.snapshot(dialog.id);
      for (const setting of verifySection(tree, section)) {
        if (!mismatches.includes(setting)) mismatches.push(setting);
      }
    }
  } finally {
    await closeDialog(ui, dialog, CONFIG.cancel[0]);
  }
  for (const setting of mismatches) {
    alert("ALERT_CONFIG_NOT_APPLIED", {
      mode,
      setting,
      env_var: setting,
      reason:
        "the value read back from Gateway's configuration dialog differs from the requested one",
    });
  }
  return { ok: mismatches.length === 0, mismatches };
}
