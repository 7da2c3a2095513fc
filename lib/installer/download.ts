/**
 * Downloads one file to disk with a stall deadline, visible progress, a length check and an
 * optional SHA-256 check. Any failure removes the partial file and throws an InstallError that
 * names the URL and the fix; nothing is left for a later step to mistake for a good download.
 */

import { createHash } from "node:crypto";
import { InstallError } from "./errors.ts";
import type { Progress } from "./progress.ts";
import { errorLine } from "../util/errors.ts";

/** Inputs of {@link download}. */
export interface DownloadOptions {
  url: string;
  /** The file to write (created 0600, replaced). */
  dest: string;
  /** No byte (or no response) for this long aborts the download. */
  stallMs: number;
  /** Expected SHA-256 (hex, any case); unset: not checked. */
  sha256?: string;
  progress?: Progress;
}

/** What was downloaded. */
export interface Downloaded {
  bytes: number;
  /** The SHA-256 of the file, lower-case hex. */
  sha256: string;
}

const RETRY =
  "check the machine's network and proxy, or download the installer yourself and point " +
  "PILOT_GATEWAY_INSTALLER_URL at it (file:///path/to/installer.sh).";

/** Fetches a small text (version.json) with the same stall deadline. */
export async function fetchText(url: string, stallMs: number): Promise<string> {
  const signal = AbortSignal.timeout(stallMs);
  const res = await get(url, signal, stallMs);
  try {
    return await res.text();
  } catch (e) {
    throw fetchFailure(url, e, signal.aborted, stallMs);
  }
}

/** GETs `url`: a failed fetch or an HTTP error becomes an InstallError that names the fix. */
async function get(url: string, signal: AbortSignal, stallMs: number): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { signal });
  } catch (e) {
    throw fetchFailure(url, e, signal.aborted, stallMs);
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw httpError(url, res.status);
  }
  return res;
}

function httpError(url: string, status: number): InstallError {
  return new InstallError(
    "DOWNLOAD_FAILED",
    `${url} answered HTTP ${status}.`,
    status === 404
      ? "the file is not there: check PILOT_GATEWAY_DOWNLOAD_URL (IBKR's layout beneath it) or " +
        "PILOT_GATEWAY_INSTALLER_URL; IBKR keeps only the current stable and latest builds."
      : RETRY,
  );
}

function fetchFailure(url: string, e: unknown, stalled: boolean, stallMs: number): InstallError {
  if (stalled) {
    return new InstallError(
      "DOWNLOAD_STALLED",
      `${url} sent nothing for ${stallMs / 1000} s; the download was stopped.`,
      `${RETRY} A slow link may need a longer PILOT_GATEWAY_DOWNLOAD_TIMEOUT.`,
    );
  }
  const why = errorLine(e);
  if (e instanceof Deno.errors.NotCapable) {
    return new InstallError(
      "DOWNLOAD_FAILED",
      `Not allowed to fetch ${url}: ${why}.`,
      "the permission set reaches only download2.interactivebrokers.com and 127.0.0.1 " +
        "(docs/permissions.md): download the installer yourself and set " +
        "PILOT_GATEWAY_INSTALLER_URL=file:///path/to/installer.sh.",
      { cause: e },
    );
  }
  return new InstallError("DOWNLOAD_FAILED", `Cannot fetch ${url}: ${why}.`, RETRY, { cause: e });
}

/** Downloads `opts.url` to `opts.dest`; see the module header. */
export async function download(opts: DownloadOptions): Promise<Downloaded> {
  const ctl = new AbortController();
  let timer = setTimeout(() => ctl.abort(), opts.stallMs);
  const kick = () => {
    clearTimeout(timer);
    timer = setTimeout(() => ctl.abort(), opts.stallMs);
  };
  const hash = createHash("sha256");
  let received = 0;
  let total: number | undefined;
  const file = await Deno.open(opts.dest, {
    write: true,
    create: true,
    truncate: true,
    mode: 0o600,
  });
  try {
    const res = await get(opts.url, ctl.signal, opts.stallMs);
    const length = Number(res.headers.get("content-length") ?? NaN);
    total = Number.isFinite(length) && length > 0 ? length : undefined;
    kick();
    try {
      for await (const chunk of res.body ?? []) {
        kick();
        hash.update(chunk);
        await file.write(chunk);
        received += chunk.length;
        opts.progress?.update(received, total);
      }
    } catch (e) {
      if (ctl.signal.aborted) throw fetchFailure(opts.url, e, true, opts.stallMs);
      throw truncated(opts.url, received, total, e);
    }
    if (total !== undefined && received !== total) throw truncated(opts.url, received, total);
    opts.progress?.done(received, total);
    const sha256 = hash.digest("hex");
    const want = opts.sha256?.trim().toLowerCase();
    if (want && want !== sha256) {
      throw new InstallError(
        "CHECKSUM_MISMATCH",
        `${opts.url} has SHA-256 ${sha256}, not the ${want} of PILOT_GATEWAY_INSTALLER_SHA256 ` +
          `(${received} bytes).`,
        "make PILOT_GATEWAY_INSTALLER_SHA256 and PILOT_GATEWAY_INSTALLER_URL name the same file " +
          "(the gnzsnz mirror publishes a .sha256 beside each installer); a changed file may be " +
          "tampered with, so do not just drop the checksum.",
      );
    }
    return { bytes: received, sha256 };
  } catch (e) {
    await Deno.remove(opts.dest).catch(() => {});
    throw e;
  } finally {
    clearTimeout(timer);
    try {
      file.close();
    } catch {
      // already closed
    }
  }
}

function truncated(
  url: string,
  received: number,
  total: number | undefined,
  cause?: unknown,
): InstallError {
  const why = cause instanceof Error ? ` (${cause.message.split("\n")[0]})` : "";
  return new InstallError(
    "DOWNLOAD_TRUNCATED",
    `${url} ended after ${received} of ${total ?? "?"} bytes${why}: the download is incomplete.`,
    `run the install again; ${RETRY}`,
    { cause },
  );
}
