/**
 * Gateway's `.vmoptions` file (install4j's JVM options file) as a list of JVM arguments, and the
 * edits the launcher makes to that list in memory: the heap override and the removal of options
 * the launcher sets itself. The file on disk is never edited (Gateway's own settings dialog
 * writes its heap there, and a sed-edited file would surprise whoever runs Gateway next).
 *
 * Decision on `-D` lines: kept. IBC's Linux script drops them, but Gateway's own ones
 * (`-Dsun.java2d.noddraw=true`, `-Dswing.boldMetal=false`, `-DvmOptionsPath=...`, which the
 * memory setting uses to find this file) are what install4j's launcher would pass, so keeping
 * them runs Gateway the way IBKR tests it. Properties the launcher owns (`-DjtsConfigDir`,
 * `-Drestart`, ...) are removed from the list by {@link withoutProperties} instead, so no
 * property ever appears twice in the argv and "which duplicate wins" never matters.
 */

import { GatewayError } from "./errors.ts";

/**
 * Parses the text of a `.vmoptions` file: one JVM option per line, surrounding whitespace
 * trimmed, blank lines and `#` comments dropped, and install4j's own directives dropped
 * (`-include-options`, `-classpath/a`, `-classpath/p`: the launcher, not the JVM, understands
 * them, and we build the classpath ourselves).
 */
export function parseVmOptions(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .filter((line) => !/^-(include-options|classpath(\/[ap])?)(\s|$)/.test(line));
}

/** Reads and parses a `.vmoptions` file; a clear error when it cannot be read. */
export function readVmOptions(path: string): string[] {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    throw new GatewayError(
      "VMOPTIONS_INVALID",
      `Cannot read Gateway's JVM options file ${path}: ${(e as Error).message}.`,
      "check the file's permissions, or reinstall Gateway with IBKR's offline installer.",
      { cause: e },
    );
  }
  return parseVmOptions(text);
}

/** The system property an option sets (`-Dfoo=bar` and `-Dfoo` -> `foo`), else undefined. */
export function propertyName(option: string): string | undefined {
  if (!option.startsWith("-D")) return undefined;
  const eq = option.indexOf("=");
  return eq < 0 ? option.slice(2) : option.slice(2, eq);
}

/** `options` without any `-D<name>` for the given property names. */
export function withoutProperties(options: readonly string[], names: Iterable<string>): string[] {
  const drop = new Set(names);
  return options.filter((o) => {
    const name = propertyName(o);
    return name === undefined || !drop.has(name);
  });
}

/**
 * Applies JAVA_HEAP_SIZE: when `heapMb` is set, every `-Xmx` (and `-XX:MaxHeapSize=`) is replaced
 * by one `-Xmx<heapMb>m` at the position of the first; when unset, the file's value stands.
 */
export function withHeap(options: readonly string[], heapMb: number | undefined): string[] {
  if (heapMb === undefined) return [...options];
  if (!Number.isInteger(heapMb) || heapMb < 64) {
    throw new GatewayError(
      "VMOPTIONS_INVALID",
      `JAVA_HEAP_SIZE ${heapMb} is not a whole number of megabytes of at least 64.`,
      "set JAVA_HEAP_SIZE to the heap in MB, e.g. 768 (Gateway's default) or 1024.",
    );
  }
  const isHeap = (o: string) => o.startsWith("-Xmx") || o.startsWith("-XX:MaxHeapSize=");
  const first = options.findIndex(isHeap);
  const rest = options.filter((o) => !isHeap(o));
  const heap = `-Xmx${heapMb}m`;
  if (first < 0) return [...rest, heap];
  // Position of the first heap option among the remaining options.
  const at = options.slice(0, first).filter((o) => !isHeap(o)).length;
  return [...rest.slice(0, at), heap, ...rest.slice(at)];
}
