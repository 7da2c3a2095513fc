/**
 * The console page's files, embedded in ibg-pilot by text imports (so `deno compile` carries
 * them, as it carries the agent jar): the HTML, the stylesheet, and the script bundled with noVNC
 * by tools/build_console.ts (`deno task console`).
 */

import indexHtml from "./page/index.html" with { type: "text" };
import loginHtml from "./page/login.html" with { type: "text" };
import css from "./page/console.css" with { type: "text" };
import appBundle from "./page/build/app.bundle.js" with { type: "text" };

/** One embedded file. */
export interface Asset {
  body: string;
  type: string;
}

/** The files served under /console/, by path. */
export const ASSETS: Readonly<Record<string, Asset>> = {
  "/console/": { body: indexHtml, type: "text/html; charset=utf-8" },
  "/console/console.css": { body: css, type: "text/css; charset=utf-8" },
  "/console/app.js": { body: appBundle, type: "text/javascript; charset=utf-8" },
};

/** The login form; `message` is one of ours, never an echo of input. */
export function loginPage(message = ""): string {
  return loginHtml.replace("<!--MESSAGE-->", message);
}
