/**
 * A VNC client's login for tests (RFC 6143): version line, security type 2 (VNC authentication
 * with the DES challenge), SecurityResult, then ClientInit (shared) and ServerInit's framebuffer
 * size when accepted.
 */

import { ByteReader, vncAuthResponse } from "../../lib/console/rfb.ts";

/** What the server said: its version line, its security types, the result (0 = accepted). */
export interface VncLogin {
  version: string;
  types: number[];
  result: number;
  /** WIDTHxHEIGHT of the framebuffer, when accepted. */
  size?: string;
}

/** Logs in to the VNC server on 127.0.0.1:`port` with `password`. */
export async function vncLogin(port: number, password: string): Promise<VncLogin> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const reader = new ByteReader(conn.readable);
  try {
    const version = new TextDecoder().decode(await reader.read(12));
    await conn.write(new TextEncoder().encode("RFB 003.008\n"));
    const types = [...await reader.read((await reader.read(1))[0])];
    await conn.write(Uint8Array.of(2));
    await conn.write(vncAuthResponse(await reader.read(16), password));
    const result = new DataView((await reader.read(4)).buffer).getUint32(0);
    if (result !== 0) return { version, types, result };
    await conn.write(Uint8Array.of(1));
    const init = new DataView((await reader.read(24)).buffer);
    return { version, types, result, size: `${init.getUint16(0)}x${init.getUint16(2)}` };
  } finally {
    reader.release();
    conn.close();
  }
}
