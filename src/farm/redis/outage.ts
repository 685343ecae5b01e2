import { RedisConnection } from 'bullmq';
import { NesInputError } from '../../util/errors.js';
import { connectionFor, redactUrl } from './protocol.js';

/** How long the coordinator and the workers wait for a Redis that went away, by default. */
export const DEFAULT_REDIS_TIMEOUT_MS = 60_000;

/** Redis stayed away longer than the configured time: the coordinator or worker stops (issue 19, item 4). */
export class RedisGoneError extends NesInputError {
  override name = 'RedisGoneError';
}

/** What the watch knows when it gives up. */
export interface RedisOutage {
  /** The URL without its password. */
  address: string;
  seconds: number;
  /** The last connection error seen, e.g. "connect ECONNREFUSED 127.0.0.1:6379". */
  lastError: string;
}

/** The ioredis client calls the watch needs (BullMQ's clients are ioredis instances). */
interface WatchedClient {
  status: string;
  ping(): Promise<unknown>;
  disconnect(reconnect?: boolean): void;
}

export interface RedisWatchOptions {
  url: string;
  /** Give up after this long without an answer from Redis. */
  timeoutMs: number;
  /** One line when the connection is lost, one when it is back. */
  log: (line: string) => void;
  onGiveUp: (outage: RedisOutage) => void;
  /** Redis answers again after an outage (e.g. it restarted). */
  onRecovered?: () => void;
  /** Ping interval. Default min(1000 ms, timeoutMs / 4). */
  intervalMs?: number;
}

/** Errors that mean "Redis cannot be reached now", which the watch reports once instead of each time. */
export function isConnectionError(error: unknown): boolean {
  const text = `${(error as NodeJS.ErrnoException | undefined)?.code ?? ''} ${(error as Error | undefined)?.message ?? String(error)}`;
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|Connection is closed|Stream isn't writeable|Command timed out/.test(text);
}

/**
 * Watches one Redis for the coordinator or a worker: a connection of its own pings Redis every
 * second, so that a refused connection and a server that no longer answers (host down, process
 * frozen) look the same. While Redis is away BullMQ's connections retry every second (see
 * `connection`), and nothing is reported but one line; after `timeoutMs` without an answer the
 * watch gives up: every connection made with `connection` stops retrying and is closed, so that
 * the process can end, and onGiveUp is called once.
 */
export class RedisWatch {
  private readonly connection: RedisConnection;
  private readonly clients = new Set<WatchedClient>();
  private readonly timer: NodeJS.Timeout;
  private readonly pingTimeoutMs: number;
  private lastContact = Date.now();
  private lastError = 'no answer';
  private pinging = false;
  private downSince: number | undefined;
  private upSince = Number.NEGATIVE_INFINITY;
  private gaveUp = false;
  private stopped = false;

  constructor(private readonly options: RedisWatchOptions) {
    const interval = options.intervalMs ?? Math.min(1000, options.timeoutMs / 4);
    this.pingTimeoutMs = Math.max(interval, Math.min(5000, options.timeoutMs / 2));
    this.connection = new RedisConnection(
      // Its own pings fail at once while disconnected (no offline queue) or after pingTimeoutMs
      // when the server does not answer.
      { ...this.connectionOptions(), maxRetriesPerRequest: 0, enableOfflineQueue: false, commandTimeout: this.pingTimeoutMs },
      { shared: false, blocking: false },
    );
    this.connection.on('error', (error: Error) => this.lost(error.message));
    this.connection.on('close', () => this.lost('the connection was closed'));
    this.connection.on('ready', () => this.contact());
    void this.connection.client.then((client) => this.track(client as unknown as WatchedClient), () => {});
    this.timer = setInterval(() => this.tick(), interval);
  }

  /** BullMQ connection options for this Redis: retry every second until the watch gives up, then stop. */
  connectionOptions(): ReturnType<typeof connectionFor> & { retryStrategy: () => number | null } {
    return { ...connectionFor(this.options.url), retryStrategy: () => (this.gaveUp || this.stopped ? null : 1000) };
  }

  /** A client to close when the watch gives up (BullMQ's queue, events or worker clients). */
  track(client: unknown): void {
    this.clients.add(client as WatchedClient);
  }

  /** Redis is unreachable now (an outage is in progress). */
  get down(): boolean {
    return this.downSince !== undefined;
  }

  /** Milliseconds since Redis last came back after an outage (Infinity if there was none). */
  get sinceRecovery(): number {
    return this.down ? 0 : Date.now() - this.upSince;
  }

  get address(): string {
    return redactUrl(this.options.url);
  }

  private tick(): void {
    if (this.gaveUp || this.stopped) return;
    if (Date.now() - this.lastContact > this.options.timeoutMs) {
      this.giveUp();
      return;
    }
    if (this.pinging) return;
    this.pinging = true;
    void this.connection.client
      .then((client) => (client as unknown as WatchedClient).ping())
      .then(
        () => this.contact(),
        (error: Error) => this.lost(error.message),
      )
      .finally(() => (this.pinging = false));
  }

  private contact(): void {
    this.lastContact = Date.now();
    if (this.downSince === undefined) return;
    const seconds = (Date.now() - this.downSince) / 1000;
    this.downSince = undefined;
    this.upSince = Date.now();
    this.options.log(`Redis at ${this.address} answers again after ${seconds.toFixed(1)} s`);
    this.options.onRecovered?.();
  }

  private lost(reason: string): void {
    if (this.gaveUp || this.stopped) return;
    // Keep the most telling reason: a connect error over "closed" or "not connected".
    const vague = /closed|Stream isn't writeable/i.test(reason);
    if (!vague || this.lastError === 'no answer') this.lastError = /Stream isn't writeable/.test(reason) ? 'not connected' : reason;
    if (this.downSince !== undefined) return;
    this.downSince = Date.now();
    this.options.log(
      `lost the connection to Redis at ${this.address} (${this.lastError}); waiting up to ${this.options.timeoutMs / 1000} s for it to come back`,
    );
  }

  private giveUp(): void {
    this.gaveUp = true;
    this.closeClients();
    this.options.onGiveUp({ address: this.address, seconds: this.options.timeoutMs / 1000, lastError: this.lastError });
  }

  /**
   * Ends every tracked client: one that waits for its next retry ends then (the retry strategy
   * says stop); one that is connected or connecting (a server that does not answer) is cut now,
   * which makes it retry at once, and so end. Their pending commands fail with "Connection is closed".
   */
  private closeClients(): void {
    for (const client of this.clients) {
      if (client.status !== 'reconnecting' && client.status !== 'end') client.disconnect(true);
    }
  }

  /** Stops watching (the owner closes). After a give-up, the tracked clients are already ending. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    if (this.gaveUp) return;
    await this.connection.close(true).catch(() => {});
  }

  /** Whether the watch gave up on Redis. */
  get gone(): boolean {
    return this.gaveUp;
  }
}
