/** A minimal X11 client for tests: proves an X server accepts connections. */

/** The X11 connection setup over the display's Unix socket: true when the server accepts us. */
export async function xServerAccepts(display: string): Promise<boolean> {
  const n = display.replace(/^:/, "").split(".")[0];
  const conn = await Deno.connect({ transport: "unix", path: `/tmp/.X11-unix/X${n}` });
  try {
    // Little-endian, protocol 11.0, no authorization (X11 protocol, "Connection Setup").
    await conn.write(new Uint8Array([0x6c, 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    const reply = new Uint8Array(8);
    const got = await conn.read(reply);
    return got !== null && reply[0] === 1;
  } finally {
    conn.close();
  }
}
