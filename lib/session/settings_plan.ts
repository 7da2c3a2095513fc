/**
 * What to change in Gateway's configuration dialog after login, derived from the settings:
 * API > Settings (socket port, master client id, read-only), API > Precautions (the nine bypass
 * check boxes) and Lock and Exit (auto log off or auto restart time, with AM/PM and the action
 * radio both set, a gap a peer left open). Pure: the session's configure step executes the plan
 * through the UI port and verifies it by reading the dialog back.
 */

import type { Config, SettingName } from "../config/mod.ts";
import type { Time12 } from "../config/types.ts";
import type { Target } from "../ui/port.ts";
import { configuredApiPort } from "../config/ports.ts";
import type { Mode } from "../config/mod.ts";
import { CONFIG, disclaimerLabels } from "../dialogs/catalogue.ts";

/** One change inside a section of the dialog. */
export type Edit =
  | { kind: "text"; target: Target; value: string; setting: SettingName }
  | { kind: "select"; target: Target; value: boolean; setting: SettingName };

function textEdit(target: Target, value: string, setting: SettingName): Edit {
  return { kind: "text", target, value, setting };
}

function selectEdit(target: Target, value: boolean, setting: SettingName): Edit {
  return { kind: "select", target, value, setting };
}

/** The changes to make under one tree path of the dialog. */
export interface Section {
  /** Tree path below the root, for example ["API", "Settings"]. */
  path: string[];
  edits: Edit[];
}

/** The nine API > Precautions check boxes (exact labels in the catalogue), keyed by setting. */
export const PRECAUTIONS = Object.entries(CONFIG.precautionBoxes) as [SettingName, string][];

/**
 * The gnzsnz meaning of BYPASS_WARNING: a single yes/no word sets all nine precautions (the
 * catalogue's disclaimerLabels reads the setting once for both of its meanings).
 */
export function bypassAll(bypassWarning: string[] | undefined): boolean | undefined {
  return disclaimerLabels(bypassWarning ?? []).precautions;
}

/** `hh:mm` as typed into the Lock and Exit field. */
export function time12Field(t: Time12): string {
  return `${String(t.hour).padStart(2, "0")}:${String(t.minute).padStart(2, "0")}`;
}

/** The configuration plan; empty when nothing is set (the step is then skipped). */
export function planSettings(c: Config, mode: Mode): Section[] {
  const sections: Section[] = [];
  const api: Edit[] = [];
  if (c.GATEWAY_OR_TWS === "tws" && c.TWS_ENABLE_API) {
    api.push(selectEdit({ text: CONFIG.enableApi }, true, "TWS_ENABLE_API"));
  }
  const port = configuredApiPort(c, mode);
  if (port) {
    api.push(textEdit({ name: CONFIG.socketPortName }, String(port.port), port.setting));
  }
  if (c.TWS_MASTER_CLIENT_ID !== undefined) {
    const id = String(c.TWS_MASTER_CLIENT_ID);
    api.push(textEdit({ name: CONFIG.masterClientIdName }, id, "TWS_MASTER_CLIENT_ID"));
  }
  if (c.READ_ONLY_API !== undefined) {
    api.push(selectEdit({ text: CONFIG.readOnlyApi }, c.READ_ONLY_API, "READ_ONLY_API"));
  }
  if (api.length) sections.push({ path: [...CONFIG.apiSettings], edits: api });

  const all = bypassAll(c.BYPASS_WARNING);
  const precautions: Edit[] = [];
  for (const [setting, label] of PRECAUTIONS) {
    const v = (c[setting] as boolean | undefined) ?? all;
    if (v !== undefined) precautions.push(selectEdit({ text: label }, v, setting));
  }
  if (precautions.length) sections.push({ path: [...CONFIG.precautions], edits: precautions });

  const restart = c.AUTO_RESTART_TIME;
  const logoff = c.AUTO_LOGOFF_TIME;
  const time = restart ?? logoff;
  if (time) sections.push(lockAndExit(restart ? "restart" : "logoff", time));
  return sections;
}

/** The Lock and Exit section that sets an auto restart or auto log off at `time`. */
export function lockAndExit(action: "restart" | "logoff", time: Time12): Section {
  const setting: SettingName = action === "restart" ? "AUTO_RESTART_TIME" : "AUTO_LOGOFF_TIME";
  const radio = action === "restart" ? CONFIG.autoRestartRadio : CONFIG.autoLogoffRadio;
  return {
    path: [...CONFIG.lockAndExit],
    edits: [
      // The field follows the "Set Auto Log Off Time (HH:MM)" or "... Restart ..." label.
      textEdit({ label: CONFIG.autoTimeLabelPart }, time12Field(time), setting),
      selectEdit({ text: time.period }, true, setting),
      selectEdit({ text: radio }, true, setting),
    ],
  };
}

/**
 * When a RESTART through Lock and Exit should happen (IBC's rule): the next whole minute, or the
 * one after when fewer than 3 seconds are left, in the local time Gateway reads its clock in.
 */
export function restartTime(nowMs: number): Time12 {
  const d = new Date(nowMs);
  const skip = d.getSeconds() >= 58 ? 2 : 1;
  const at = new Date(nowMs - d.getSeconds() * 1000 - d.getMilliseconds() + skip * 60_000);
  const h = at.getHours();
  return {
    hour: h % 12 === 0 ? 12 : h % 12,
    minute: at.getMinutes(),
    period: h < 12 ? "AM" : "PM",
  };
}
