/**
 * Runs the UI port contract against the AT-SPI adapter on the Swing fixture (private Xvfb and
 * accessibility stack, fixture JVM with the ATK bridge). AT-SPI's limitations are asserted.
 */

import { openAtspiPort } from "../../lib/ui/atspi/port.ts";
import { startDesktop, startFixture } from "../atspi/harness.ts";
import { runContract } from "./contract.ts";

/** AT-SPI's documented limitations (docs/atspi.md). */
export const ATSPI_LIMITATIONS = {
  "target-name": "AT-SPI has no Swing component names",
  key: "synthetic key events do not reach Swing through AT-SPI",
  closeWindow: "Swing windows expose no close action over AT-SPI",
  "click-force": "AT-SPI cannot enable a disabled button",
};

runContract("atspi", async () => {
  const desktop = await startDesktop();
  try {
    const fixture = await startFixture(desktop);
    const port = await openAtspiPort({ address: desktop.stack.a11yAddress, pid: fixture.pid });
    return {
      port,
      limitations: ATSPI_LIMITATIONS,
      app: {
        waitFor: (pred, what, ms) => fixture.waitFor(pred, what, ms),
        openWindow: (title) => fixture.send(`open-window ${title}`),
        disposeWindow: (title) => fixture.send(`close-window ${title}`),
      },
      async stop() {
        await port.close();
        await fixture.stop();
        await desktop.stop();
      },
    };
  } catch (err) {
    await desktop.stop();
    throw err;
  }
});
