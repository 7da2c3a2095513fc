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
