import type { IncomingMessage, ServerResponse } from 'node:http';
import { PayloadTooLargeException } from '@nestjs/common';

/** A size limit of the API: what it bounds, the field a client fixes, and the setting that changes it. */
export interface PayloadLimit {
  /** What is too large, as a sentence starts: "the JSON body", "the sample grid". */
  subject: string;
  /** The `issues[].path` a client shows the error at: `body`, `file`, `decoder`, `grid`. */
  path: string;
  bytes: number;
  /** The environment variable that sets it, or how it is fixed. */
  setting: string;
}

export function formatMb(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 100) / 100} MB`;
}

/** 413 naming the limit that was passed (README.md, "Security"). */
export class PayloadLimitExceededException extends PayloadTooLargeException {
  constructor(readonly limit: PayloadLimit) {
    super({
      statusCode: 413,
      message: `${limit.subject} is larger than this server's limit of ${formatMb(limit.bytes)} (${limit.setting})`,
      issues: [{ path: limit.path, message: `larger than ${formatMb(limit.bytes)}` }],
    });
  }
}

/** How long the rest of a refused body is read and thrown away after the answer, at most. */
export const LINGER_MS = 5_000;

/**
 * For an answer given before the request body was read through: announces `Connection: close`, and, once
 * the answer is sent, half-closes the connection and keeps reading (and discarding) what the client still
 * sends until it closes its side or LINGER_MS pass (a lingering close, as nginx's `lingering_close`).
 * Closing at once would reset the connection while the client is still sending, and a client that is
 * still writing when the reset comes loses the answer (EPIPE, ECONNRESET) before reading it.
 */
export function closeAfterAnswer(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Connection', 'close');
  req.resume();
  const socket = req.socket;
  // Node ends and destroys the socket through destroySoon() once a `Connection: close` answer is sent.
  const destroySoon = socket.destroySoon.bind(socket);
  socket.destroySoon = () => {
    socket.end();
    socket.resume();
    const done = () => {
      clearTimeout(timer);
      destroySoon();
    };
    const timer = setTimeout(done, LINGER_MS);
    timer.unref();
    socket.once('end', done);
    socket.once('close', () => clearTimeout(timer));
  };
}
