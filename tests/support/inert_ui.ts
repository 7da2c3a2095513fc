/**
 * A UI port that does nothing by itself: no windows, every action accepted, events only when the
 * test emits them. Session tests extend it with the one behaviour they script.
 */

import type { ComponentNode, Target, UiEvent, UiPort, WindowInfo } from "../../lib/ui/port.ts";

export class InertUi implements UiPort {
  readonly channel = "agent";
  readonly #listeners = new Set<(e: UiEvent) => void>();

  /** Sends an event to the shell, as the adapter would. */
  emit(e: UiEvent): void {
    for (const l of this.#listeners) l(e);
  }
  onEvent(listener: (e: UiEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  windows(): Promise<WindowInfo[]> {
    return Promise.resolve([]);
  }
  snapshot(_windowId: string): Promise<ComponentNode> {
    return Promise.reject(new Error("no such window"));
  }
  click(_windowId: string, _target: Target): Promise<void> {
    return Promise.resolve();
  }
  closeWindow(_windowId: string): Promise<void> {
    return Promise.resolve();
  }
  setText = () => Promise.resolve();
  setSelected = () => Promise.resolve();
  selectTreePath = () => Promise.resolve();
  selectListItem = () => Promise.resolve();
  menu = () => Promise.resolve();
  key = () => Promise.resolve();
  close = () => Promise.resolve();
}
