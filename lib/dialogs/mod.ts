/**
 * The dialog catalogue and its matcher: which Gateway window is which, and what to do with it.
 * Import from here.
 */

export {
  CONFIRM,
  type DialogRule,
  EXISTING_SESSION,
  LOGIN,
  NOTICE_DISMISS,
  SECOND_FACTOR,
  TWS,
} from "./catalogue.ts";
export { classify, type Match } from "./match.ts";
export { UnknownWindowReporter } from "./dump.ts";
