/**
 * The list of generated documents: path -> renderer. Shared by `deno task docs` and the test
 * that fails when a committed document is stale.
 */

import { configurationMarkdown } from "./docs/configuration.ts";
import { fromIbcMarkdown } from "./docs/from_ibc.ts";
import { fromPeersMarkdown } from "./docs/from_peers.ts";
import { dialogsMarkdown } from "./docs/dialogs.ts";

/** Generated documents, relative to the repository root. */
export const GENERATED_DOCS: Record<string, () => string | Promise<string>> = {
  "docs/configuration.md": configurationMarkdown,
  "docs/from-ibc.md": fromIbcMarkdown,
  "docs/from-peers.md": fromPeersMarkdown,
  "docs/dialogs.md": () => dialogsMarkdown(),
};
