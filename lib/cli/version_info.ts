/** ibg-pilot's version, from deno.json (a module of its own: the help text needs only this). */

import meta from "../../deno.json" with { type: "json" };

/** ibg-pilot's version. */
export const VERSION: string = meta.version;
