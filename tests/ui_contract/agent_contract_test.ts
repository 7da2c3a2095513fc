/**
 * Runs the UI port contract against the agent adapter on the same Swing fixture (no ATK bridge:
 * assistive technologies off, the agent loaded with -javaagent). The agent has no limitations.
 */

import { join } from "node:path";
import { buildJava } from "../../tools/build_java.ts";
import { connectAgent } from "../../lib/ui/agent/client.ts";
import { startDesktop, startFixture } from "../atspi/harness.ts";
import { runContract } from "./contract.ts";

runContract("agent", async () => {
  const jar = await buildJava("agent");
  const desktop = await startDesktop();
  const dir = await Deno.makeTempDir({ prefix: "ibg-contract-" });
  try {
    const socket = join(dir, "agent.sock");
    const fixture = await startFixture(desktop, {
      bridge: false,
      jvmArgs: [`-javaagent:${jar}=${socket}`],
    });
    const port = await connectAgent(socket, { helloDeadlineMs: 20_000 });
    return {
      port,
      limitations: {},
      app: {
        waitFor: (pred, what, ms) => fixture.waitFor(pred, what, ms),
        openWindow: (title) => fixture.send(`open-window ${title}`),
        disposeWindow: (title) => fixture.send(`close-window ${title}`),
      },
      async stop() {
        await port.close();
        await fixture.stop();
        await desktop.stop();
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      },
    };
  } catch (err) {
    await desktop.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw err;
  }
});
