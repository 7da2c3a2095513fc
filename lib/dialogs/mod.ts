/**
 * The dialog catalogue and its matcher: which Gateway window is which, and what to do with it.
 * Import from here.
 */

export * from "./catalogue.ts";
export * from "./match.ts";
export * from "./dump.ts";
export * as tree from "./tree.ts";
export { dialogsMarkdown } from "./docs.ts";
