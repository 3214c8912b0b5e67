// The AbortSignal of CommandContext: aborted when the client goes away before its answer is
// written. Made on first use only: most commands never read it, and a parked Ping (answered
// by long-poll.ts) listens for 'close' itself, so neither pays an AbortController.

import type { IncomingMessage, ServerResponse } from 'node:http';

export class ClientGone {
  private readonly req: IncomingMessage;
  private readonly res: ServerResponse;
  private controller: AbortController | null = null;
  private readonly onClose = (): void => {
    if (!this.res.writableFinished) this.controller?.abort();
  };

  constructor(req: IncomingMessage, res: ServerResponse) {
    this.req = req;
    this.res = res;
  }

  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      this.res.on('close', this.onClose);
      if (this.req.socket.destroyed) this.controller.abort();
    }
    return this.controller.signal;
  }

  /** The command has returned: stop listening. */
  release(): void {
    if (this.controller !== null) this.res.off('close', this.onClose);
  }
}
