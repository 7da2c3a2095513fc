/** Errors: the base of ibg-pilot's error classes, and an error's text for messages. */

/** An Error whose `name` is its class's name (`class XvfbError extends NamedError {}`). */
export class NamedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An error's message (or the thrown value as text), for log lines and replies. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The first line of {@link errorText}: Deno's OS errors append context lines a reply needs not. */
export function errorLine(e: unknown): string {
  return errorText(e).split("\n")[0];
}

/**
 * A failure with a fix and a stable code callers branch on without parsing prose. `message` is
 * one paragraph: the problem, then `Fix: ...`. Areas subclass it with their code union
 * (`class GatewayError extends FixError<GatewayErrorCode> {}`).
 */
export class FixError<Code extends string> extends NamedError {
  /** Stable machine-readable code. */
  readonly code: Code;
  /** What the user should do, also appended to `message`. */
  readonly fix: string;

  /** Creates an error whose message is `problem` followed by `Fix: fix`. */
  constructor(code: Code, problem: string, fix: string, options?: ErrorOptions) {
    super(`${problem} Fix: ${fix}`, options);
    this.code = code;
    this.fix = fix;
  }
}
