/**
 * The list of generated documents: path -> renderer. Shared by `deno task docs` and the test
 * that fails when a committed document is stale.
 */

import { configurationMarkdown } from "../lib/config/docs.ts";
import { fromIbcMarkdown } from "../lib/ibc/docs.ts";
import { fromPeersMarkdown } from "../lib/config/peers_docs.ts";
import { dialogsMarkdown } from "../lib/dialogs/docs.ts";

/** Generated documents, relative to the repository root. */
export const GENERATED_DOCS: Record<string, () => string | Promise<string>> = {
  "docs/configuration.md": configurationMarkdown,
  "docs/from-ibc.md": fromIbcMarkdown,
  "docs/from-peers.md": fromPeersMarkdown,
  "docs/dialogs.md": () => dialogsMarkdown(),
};
