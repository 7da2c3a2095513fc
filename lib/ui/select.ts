/**
 * Owns the choice of UI channel (`UI_DRIVER=agent|atspi|auto`) and `FallbackPort`, which drives
 * Gateway through AT-SPI but hands an action to the agent when AT-SPI cannot do it (for example
 * text entry on a field that refuses it, or closing a window) and both channels are up.
 *
 * auto = the agent when it answers, else AT-SPI. The launcher decides separately whether the
 * ATK bridge is loaded (only when AT-SPI may be used: lib/ui/atspi/bridge.ts).
 */

import { log } from "../log.ts";
import type { ClickOptions, ComponentNode, Target, UiEvent, UiPort, WindowInfo } from "./port.ts";
import { UiError } from "./port.ts";
import { errorText } from "../util/errors.ts";

/** The setting's values. */
export type UiDriver = "agent" | "atspi" | "auto";

/** Ways to open each channel; a channel that is not available is left out. */
export interface ChannelOpeners {
  agent?: () => Promise<UiPort>;
  atspi?: () => Promise<UiPort>;
}

/** What was chosen. */
export interface Selection {
  /** The port the controller uses. */
  port: UiPort;
  /** The channel that drives (a FallbackPort counts as atspi). */
  chosen: "agent" | "atspi";
  /** Why, for the startup log line. */
  reason: string;
}

/** The port's actions on one window: a FallbackPort may hand each to the other channel. */
type WindowAction =
  | "click"
  | "setText"
  | "setSelected"
  | "selectTreePath"
  | "selectListItem"
  | "menu"
  | "key"
  | "closeWindow";
type ArgsAfterWindow<K extends WindowAction> = UiPort[K] extends
  (windowId: string, ...args: infer A) => Promise<void> ? A : never;

/**
 * Opens the channel(s) `driver` asks for. agent: the agent or an error; atspi: AT-SPI, wrapped in
 * a {@link FallbackPort} when the agent also answers; auto: the agent when it answers, else AT-SPI.
 */
export async function selectUiPort(driver: UiDriver, open: ChannelOpeners): Promise<Selection> {
  const tryOpen = async (which: keyof ChannelOpeners) => {
    const opener = open[which];
    if (!opener) return { error: `the ${which} channel is not available` };
    try {
      return { port: await opener() };
    } catch (err) {
      return { error: `${which}: ${errorText(err)}` };
    }
  };
  if (driver === "agent") {
    const a = await tryOpen("agent");
    if (a.port) return { port: a.port, chosen: "agent", reason: "UI_DRIVER=agent" };
    throw new UiError("disconnected", `UI_DRIVER=agent but ${a.error}`);
  }
  if (driver === "auto") {
    const a = await tryOpen("agent");
    if (a.port) {
      return { port: a.port, chosen: "agent", reason: "UI_DRIVER=auto: the agent answered" };
    }
    const s = await tryOpen("atspi");
    if (s.port) {
      return { port: s.port, chosen: "atspi", reason: `UI_DRIVER=auto: ${a.error}; using AT-SPI` };
    }
    throw new UiError(
      "disconnected",
      `UI_DRIVER=auto but neither channel answered (${a.error}; ${s.error})`,
    );
  }
  const s = await tryOpen("atspi");
  if (!s.port) throw new UiError("disconnected", `UI_DRIVER=atspi but ${s.error}`);
  const a = open.agent ? await tryOpen("agent") : { error: "no agent" };
  if (a.port) {
    return {
      port: new FallbackPort(s.port, a.port),
      chosen: "atspi",
      reason: "UI_DRIVER=atspi, with the agent for what AT-SPI cannot do",
    };
  }
  return { port: s.port, chosen: "atspi", reason: `UI_DRIVER=atspi (${a.error})` };
}

/**
 * A port that uses `primary` (AT-SPI) for everything and, when it rejects an action with
 * `UiError("unsupported")`, performs that action through `secondary` (the agent) on the window
 * with the same title, kind and modality, and logs that it did. Observation (windows, snapshot,
 * events) always comes from the primary channel.
 */
export class FallbackPort implements UiPort {
  readonly channel: "agent" | "atspi";
  /** How many actions went to the secondary channel (metrics, tests). */
  fallbacks = 0;

  constructor(readonly primary: UiPort, readonly secondary: UiPort) {
    this.channel = primary.channel;
  }

  windows(): Promise<WindowInfo[]> {
    return this.primary.windows();
  }

  snapshot(windowId: string): Promise<ComponentNode> {
    return this.primary.snapshot(windowId);
  }

  /** The secondary channel's id for the primary's window (same title, kind, modality). */
  private async counterpart(windowId: string): Promise<string> {
    const mine = (await this.primary.windows()).find((w) => w.id === windowId);
    if (!mine) throw new UiError("not_found", `window ${windowId} is not showing`);
    const theirs = (await this.secondary.windows()).filter((w) =>
      w.title === mine.title && w.kind === mine.kind && w.modal === mine.modal
    );
    if (!theirs.length) {
      throw new UiError("not_found", `the ${this.secondary.channel} does not see "${mine.title}"`);
    }
    return theirs[0].id;
  }

  /** `action` through the primary channel; where it is unsupported there, through the secondary. */
  private async run<K extends WindowAction>(
    action: K,
    windowId: string,
    ...args: ArgsAfterWindow<K>
  ): Promise<void> {
    const perform = (port: UiPort, id: string) =>
      (port[action] as (...a: unknown[]) => Promise<void>).call(port, id, ...args);
    try {
      await perform(this.primary, windowId);
    } catch (err) {
      if (!(err instanceof UiError) || err.code !== "unsupported") throw err;
      const id = await this.counterpart(windowId);
      this.fallbacks++;
      log("ui").warn(
        "{primary} cannot {action} ({reason}); used the {secondary} for it",
        {
          primary: this.primary.channel,
          secondary: this.secondary.channel,
          action,
          reason: err.message,
        },
      );
      await perform(this.secondary, id);
    }
  }

  click(windowId: string, target: Target, opts?: ClickOptions): Promise<void> {
    return this.run("click", windowId, target, opts);
  }

  setText(windowId: string, target: Target, value: string): Promise<void> {
    return this.run("setText", windowId, target, value);
  }

  setSelected(windowId: string, target: Target, selected: boolean): Promise<void> {
    return this.run("setSelected", windowId, target, selected);
  }

  selectTreePath(windowId: string, path: string[]): Promise<void> {
    return this.run("selectTreePath", windowId, path);
  }

  selectListItem(windowId: string, item: string, target?: Target): Promise<void> {
    return this.run("selectListItem", windowId, item, target);
  }

  menu(windowId: string, path: string[]): Promise<void> {
    return this.run("menu", windowId, path);
  }

  key(windowId: string, chord: string): Promise<void> {
    return this.run("key", windowId, chord);
  }

  closeWindow(windowId: string): Promise<void> {
    return this.run("closeWindow", windowId);
  }

  onEvent(listener: (event: UiEvent) => void): () => void {
    return this.primary.onEvent(listener);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.primary.close(), this.secondary.close()]);
  }
}
