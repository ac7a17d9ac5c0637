import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of the API that can cut the connection once `cutAfter` request bytes have passed
 * (an interrupted network), and records the Upload-Offset of every PATCH it forwards. Used by the
 * `genbench submit` integration test and the dashboard's browser test of resumed uploads.
 */
export function cuttingProxy(target: number) {
  const state = { cutAfter: Infinity, forwarded: 0, patchOffsets: [] as number[], cut: false };
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    sockets.add(client).add(upstream);
    // Once cut, nothing more reaches the client on this connection: a dropped network delivers no reply. (The
    // server answers the truncated PATCH, e.g. with a 400; forwarding that made the client give up instead of
    // resuming, whenever it arrived before the socket closed.)
    let severed = false;
    client.on('data', (chunk: Buffer) => {
      const text = chunk.subarray(0, 2048).toString('latin1');
      if (text.startsWith('PATCH ')) state.patchOffsets.push(Number(/\r\nupload-offset: *(\d+)/i.exec(text)?.[1]));
      state.forwarded += chunk.length;
      if (!state.cut && state.forwarded > state.cutAfter) {
        // Forward up to the cut, then drop both ends mid-request.
        state.cut = true;
        severed = true;
        upstream.end(chunk.subarray(0, chunk.length - (state.forwarded - state.cutAfter)));
        client.destroy();
        setTimeout(() => upstream.destroy(), 100);
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!severed) client.write(chunk);
    });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => {
      if (!severed) upstream.destroy();
    });
    upstream.on('close', () => client.destroy());
  });
  return {
    state,
    listen: () => new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port))),
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
