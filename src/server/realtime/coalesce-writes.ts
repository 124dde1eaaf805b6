import type { Socket as NetSocket } from 'node:net';
import type { Socket } from 'socket.io';

/** engine.io's socket under a socket.io connection. */
type EngineSocket = Socket['conn'];

/**
 * One socket write per connection per turn of the event loop.
 *
 * Left alone, engine.io hands each packet to the transport the moment it is written, and while that write is pending
 * holds the rest until it completes: a message with a binary body (socket.io's header, then the attachment) costs a
 * connection two `writev` system calls, and the sender's acknowledgement and its own copy of the message two more. At a
 * few thousand messages a second those calls were a third of the server's time (`npm run bench -- --cpu-prof`).
 *
 * Here each engine.io socket's flush waits for the end of the current turn (`setImmediate`: every fan-out and
 * acknowledgement of a batch of sends is written by then), and the WebSocket's TCP socket is corked while the
 * transport writes that turn's packets, so they leave in one `writev`. Nothing is reordered (engine.io's own buffer,
 * in order, is what is flushed) and nothing is dropped (engine.io's flush runs as before, only later in the turn, and
 * at once when the connection is closed). The cost is the wait for the end of the turn, a fraction of a millisecond.
 *
 * engine.io keeps `flush` private and the WebSocket transport its `ws` socket (`socket`), whose TCP socket is `ws`'s
 * `_socket`: this relies on those two names, checked by `test/unit/coalesce-writes.test.ts` (a binary message and an
 * acknowledgement in one turn arrive in one write; a reply sent in the turn the server closes still arrives).
 */
export function coalesceWrites(engineSocket: EngineSocket, onError: (err: unknown) => void): void {
  const target = engineSocket as unknown as { flush?: unknown; close?: unknown };
  const { flush, close } = target;
  // Should engine.io ever rename these, the connection simply goes uncoalesced.
  if (typeof flush !== 'function' || typeof close !== 'function') return;
  const flushNow = (flush as () => void).bind(engineSocket);
  const closeNow = (close as (discard?: boolean) => void).bind(engineSocket);
  let scheduled = false;
  const flushTurn = () => {
    if (!scheduled) return;
    scheduled = false;
    const tcp = tcpSocketOf(engineSocket);
    tcp?.cork();
    try {
      flushNow();
    } catch (err) {
      // Thrown from a setImmediate callback, this would end the process: end this connection instead.
      onError(err);
      closeNow(true);
    } finally {
      tcp?.uncork();
    }
  };
  target.flush = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flushTurn);
  };
  // A close that discards the buffer (the server shutting down) first writes what this turn has queued, as an
  // immediate flush would have: an acknowledgement sent just before the shutdown still leaves.
  target.close = (discard?: boolean) => {
    flushTurn();
    closeNow(discard);
  };
}
/** The TCP socket under a WebSocket transport (undefined for long-polling, whose writes are HTTP responses). */
function tcpSocketOf(engineSocket: EngineSocket): NetSocket | undefined {
  const transport = engineSocket.transport as unknown as { name?: string; socket?: { _socket?: NetSocket } };
  if (transport.name !== 'websocket') return undefined;
  const tcp = transport.socket?._socket;
  return tcp && typeof tcp.cork === 'function' && !tcp.destroyed ? tcp : undefined;
}
