import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { listen } from '../harness/listen';

/**
 * The HTTP server under the fake: listens, tracks every socket so they can be cut on purpose,
 * and can stop and listen again on the same port (grammY fixes its apiRoot when the Bot is built).
 */
export class HttpListener {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly host: string,
    private currentPort: number,
    private readonly onRequest: (req: IncomingMessage, res: ServerResponse) => void,
  ) {}

  get port(): number {
    return this.currentPort;
  }

  get isListening(): boolean {
    return this.server !== undefined;
  }

  async listen(): Promise<void> {
    if (this.server) return;
    // Held long polls and stalled ones may stay open for minutes; Node's request timeout must not answer them.
    const server = createServer({ noDelay: true, requestTimeout: 0 }, this.onRequest);
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    this.currentPort = await listen(server, this.currentPort, this.host);
    this.server = server;
  }

  /** Destroys every open socket, held requests included; the listener stays up. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    this.dropConnections();
    await closed;
  }
}
