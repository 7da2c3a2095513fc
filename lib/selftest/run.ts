/**
 * `ibg-pilot selftest --until login-frame`: proves that this ibg-pilot and the installed Gateway
 * build agree, without an IBKR account. It launches Gateway the way `run` does (same host, agent
 * and Xvfb when headless; no API forwarding, no login), waits for the login frame, checks every
 * string the catalogue expects on it in both trading modes (the Log In button is relabelled by the
 * mode toggle), writes the tree (and a picture when the UI channel can paint), and closes Gateway
 * through its own path (the login frame's WINDOW_CLOSING, answering an exit confirmation).
 */

import type { Config } from "../config/mod.ts";
import { type ContainerSupport, startContainer } from "../container/mod.ts";
import { ensureRuntimeDir } from "../gateway/mod.ts";
import { log } from "../log.ts";
import { createGatewayHost, settingsDirFor } from "../app/host.ts";
import type { GatewayHost } from "../session/shell.ts";
import { makeClassifier } from "../session/intent.ts";
import { apiPortFor } from "../config/ports.ts";
import type { Mode } from "../config/mod.ts";
import { writeAgentJar } from "../ui/agent/embedded.ts";
import type { ComponentNode, UiPort, WindowInfo } from "../ui/port.ts";
import { type FrameView, writeArtifacts, type Written } from "./artifacts.ts";
import {
  type Check,
  checkWindow,
  expectation,
  frameExpectations,
  logInExpectation,
  looksLikeLoginFrame,
  selectedMode,
} from "./login_frame.ts";
import { LOGIN, LOGIN_BUTTONS } from "../dialogs/catalogue.ts";
import { textOf } from "../dialogs/tree.ts";
import { sameText } from "../ui/text.ts";
import { settlesWithin } from "../util/deadline.ts";
import { errorText } from "../util/errors.ts";

/** Inputs of {@link selftest}. */
export interface SelftestOptions {
  config: Config;
  env: Record<string, string>;
  /** Where the tree (and picture) go. */
  outDir: string;
  /** How long Gateway may take to show its login frame. */
  deadlineMs: number;
}

/** The outcome. */
export interface SelftestResult {
  /** Every check passed and nothing failed. */
  ok: boolean;
  checks: Check[];
  /** Problems that are not a missing string (no login frame, Gateway died, a failed close). */
  problems: string[];
  written?: Written;
  /** Why there is no picture, when there is none. */
  pictureNote?: string;
  /** How Gateway ended: through its own close path (`clean`) or by signals. */
  closed?: "clean" | "signalled" | "not-running";
  gatewayPid?: number;
  /** Milliseconds from launch to the login frame. */
  loginFrameMs?: number;
  /**
   * ibg-pilot's own resident memory at the login frame, in MB: the nightly smoke workflow runs the
   * compiled binary against IBKR's builds, so this is the shipped binary's footprint.
   */
  residentMb?: number;
}

/** How long after a failed UI call to wait for the JVM's exit to be noticed, if it is exiting. */
const JVM_EXIT_NOTICE_MS = 2_000;

/** Runs the self-test; never throws for Gateway-side failures (they are `problems`). */
export async function selftest(opts: SelftestOptions): Promise<SelftestResult> {
  const logger = log("selftest");
  const mode: Mode = opts.config.TRADING_MODE === "live" ? "live" : "paper";
  // One Gateway, no login, nothing to relay: no forwarders even in a container.
  const config: Config = { ...opts.config, TRADING_MODE: mode, PILOT_API_FORWARD: "no" };
  const result: SelftestResult = { ok: false, checks: [], problems: [] };
  const runtimeDir = await ensureRuntimeDir(
    config.PILOT_RUNTIME_DIR,
    Deno.uid() ?? 0,
  );
  const agentJar = await writeAgentJar(runtimeDir);
  const classify = makeClassifier(config, mode);
  let container: ContainerSupport | undefined;
  let ui: UiPort | undefined;
  let gateway: GatewayHost | undefined;
  let died: Promise<string> | undefined;
  try {
    container = await startContainer(config, opts.env, {
      modes: [mode],
      apiPort: (m) => apiPortFor(config, m),
      onFailure: (reason) => result.problems.push(reason),
    });
    gateway = createGatewayHost({
      mode,
      config,
      settingsDir: settingsDirFor(config, mode),
      runtimeDir,
      agentJar,
      env: container.env,
    });
    const started = Date.now();
    const launched = await gateway.launch();
    result.gatewayPid = launched.pid;
    died = launched.exited.then((e) =>
      `Gateway's JVM exited (code ${e.code}${e.signal ? `, ${e.signal}` : ""}) before the ` +
      `login frame showed; its output is in ${settingsDirFor(config, mode)}/ibg-pilot-gateway.log`
    );
    ui = await gateway.connectUi();
    const frame = await waitForLoginFrame(ui, died, started + opts.deadlineMs);
    if ("problem" in frame) {
      result.problems.push(frame.problem);
      // What did show is the evidence of a changed login frame: its trees, for whoever adapts.
      if (frame.seen.length) {
        result.written = await writeArtifacts(opts.outDir, frame.seen, [], new Map());
      }
      return result;
    }
    result.loginFrameMs = Date.now() - started;
    result.residentMb = Deno.memoryUsage().rss / 1048576;
    logger.info("login frame {title} after {ms} ms", {
      title: frame.window.title,
      ms: result.loginFrameMs,
    });
    const views = await lookInBothModes(ui, frame.window, frame.tree);
    result.checks = [
      ...checkWindow(views[0].window, views[0].tree, frameExpectations(config.GATEWAY_OR_TWS)),
      ...views.flatMap((v) =>
        checkWindow(v.window, v.tree, [
          v.mode === "unknown"
            ? expectation(
              "Log In button",
              "LOGIN.liveButton, LOGIN.paperButton",
              "button",
              LOGIN_BUTTONS,
            )
            : logInExpectation(v.mode),
        ])
      ),
    ];
    const pictures = new Map<string, Uint8Array>();
    for (const v of views) if (v.png) pictures.set(v.mode, v.png);
    if (!ui.paint) result.pictureNote = `the ${ui.channel} channel cannot paint windows: tree only`;
    result.written = await writeArtifacts(opts.outDir, views, result.checks, pictures);
    const closed = await gateway.stop(() => closeThroughGateway(ui!, classify, frame.window.id));
    result.closed = closed.status === "clean"
      ? "clean"
      : closed.status === "signalled"
      ? "signalled"
      : "not-running";
    if (result.closed === "signalled") {
      result.problems.push(
        "Gateway did not exit through its own close path (login frame closed, exit confirmed " +
          "with Yes): it was ended by signals",
      );
    }
  } catch (e) {
    // A JVM that dies takes the agent's connection with it, and the connection's end may be
    // seen first: the JVM's exit is the cause to report, so give it a moment to be noticed.
    const exit = died && await settlesWithin(died, JVM_EXIT_NOTICE_MS)
      ? await died.catch(() => undefined)
      : undefined;
    result.problems.push(exit ?? errorText(e));
  } finally {
    // Whatever happened, no JVM and no Xvfb of ours outlive the self-test.
    if (gateway && !result.closed) {
      await gateway.stop(async () => ui ? await closeThroughGateway(ui, classify) : false)
        .catch(() => {});
    }
    await ui?.close().catch(() => {});
    await container?.close();
    result.ok = result.problems.length === 0 && result.checks.length > 0 &&
      result.checks.every((c) => c.found !== undefined);
  }
  return result;
}

/**
 * Waits for a window that looks like the login frame (event-driven: window events, then a look at
 * every showing window), until Gateway dies or `deadline` (epoch ms) passes. Resolves with the
 * frame, or with the problem to report (naming the windows that did show).
 */
async function waitForLoginFrame(
  ui: UiPort,
  died: Promise<string>,
  deadline: number,
): Promise<{ window: WindowInfo; tree: ComponentNode } | { problem: string; seen: FrameView[] }> {
  let wake: () => void = () => {};
  const unsubscribe = ui.onEvent((e) => {
    if (e.type === "window-opened" || e.type === "window-activated") wake();
  });
  let gone: string | undefined;
  void died.then((why) => {
    gone = why;
    wake();
  });
  const seen = new Map<string, FrameView>();
  try {
    while (true) {
      // Armed before looking, so a window that opens while we look wakes the next round.
      const next = new Promise<void>((r) => (wake = r));
      for (const w of await ui.windows().catch(() => [])) {
        const tree = await ui.snapshot(w.id).catch(() => undefined);
        if (!tree) continue;
        seen.set(w.id, { mode: "unknown", window: w, tree });
        if (looksLikeLoginFrame(w, tree)) return { window: w, tree };
      }
      if (gone) return { problem: gone, seen: [...seen.values()] };
      const left = deadline - Date.now();
      if (left <= 0) {
        const names = [...seen.values()].map((v) =>
          `${JSON.stringify(v.window.title)} (${v.window.className})`
        );
        return {
          problem: `no login frame within the deadline (--timeout); windows seen: ${
            names.length ? names.join(", ") : "none"
          }`,
          seen: [...seen.values()],
        };
      }
      await settlesWithin(next, left);
    }
  } finally {
    unsubscribe();
  }
}

/**
 * The login frame as found, then with the other trading mode selected (Gateway relabels the
 * Log In button), then the original selection restored. With no recognisable mode toggle there is
 * only the first look (the missing toggle is then in the report).
 */
async function lookInBothModes(
  ui: UiPort,
  window: WindowInfo,
  tree: ComponentNode,
): Promise<(FrameView & { png?: Uint8Array })[]> {
  // Painted in the JVM right after each look, so the picture shows what the tree describes.
  const paint = async () => ui.paint ? (await ui.paint(window.id)).png : undefined;
  const first = selectedMode(tree);
  const views: (FrameView & { png?: Uint8Array })[] = [
    { mode: first ?? "unknown", window, tree, png: await paint() },
  ];
  if (!first) return views;
  const other = first === "live" ? "paper" : "live";
  const toggleText = (m: "live" | "paper", t: ComponentNode) => {
    const names = m === "live" ? LOGIN.liveToggle : LOGIN.paperToggle;
    return names.find((s) => findToggle(t, s));
  };
  const otherToggle = toggleText(other, tree);
  if (!otherToggle) return views;
  await ui.setSelected(window.id, { text: otherToggle, role: "toggle" }, true);
  views.push({ mode: other, window, tree: await ui.snapshot(window.id), png: await paint() });
  const back = toggleText(first, tree);
  if (back) await ui.setSelected(window.id, { text: back, role: "toggle" }, true);
  return views;
}

function findToggle(tree: ComponentNode, text: string): boolean {
  if ((tree.role === "toggle" || tree.role === "radio") && sameText(textOf(tree), text)) {
    return true;
  }
  return tree.children.some((c) => findToggle(c, text));
}

/**
 * Gateway's own close path for a Gateway that is not logged in: WINDOW_CLOSING on the login frame
 * (or, without one, on any Gateway frame), and `Yes` on an `Are you sure you want to exit?`
 * confirmation should one open.
 */
async function closeThroughGateway(
  ui: UiPort,
  classify: ReturnType<typeof makeClassifier>,
  frameId?: string,
): Promise<boolean> {
  const target = frameId ?? (await ui.windows()).find((w) => w.kind === "frame")?.id;
  if (!target) return false;
  ui.onEvent((e) => {
    if (e.type !== "window-opened") return;
    void ui.snapshot(e.window.id).then(async (tree) => {
      const { intent } = classify(e.window, tree);
      if (intent.kind === "exit-confirm" && intent.yes) {
        await ui.click(e.window.id, { text: intent.yes, role: "button" });
      }
    }).catch(() => {/* the JVM is going away: its exit is what stop() waits for */});
  });
  await ui.closeWindow(target);
  return true;
}
