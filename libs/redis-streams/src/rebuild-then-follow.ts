import type Redis from 'ioredis';
import { getLogger, stepWithinShutdown, type Liveness, type Logger, type Running } from '@app/observability';
import { InterruptibleDelay } from './interruptible-delay';
import type { HostedLoop } from './loop-host';
import type { RedisConnections } from './redis-connections';
import { retryUntilClosed } from './retry-until-closed';
import { errMessage } from './stream.reader';

/** A reader a read model follows its streams with (a StreamReader). */
export type FollowingReader = Required<HostedLoop>;

/** The read model being filled: 503 from its endpoints until loaded. */
export interface LoadableModel {
  readonly ready: boolean;
  markLoaded(): void;
}

/**
 * Base of a read model's consumer: rebuild the model from Redis (`rebuild`, typically reading
 * each stream up to its tail), then follow the streams after that point (`follow` starts the
 * readers), then `markLoaded`. Redis down at start: the whole attempt is retried with backoff in
 * the background (retryUntilClosed) while the model's endpoints answer 503, and shutdown never
 * waits out a backoff. Readiness, liveness, health detail and shutdown are the readers'.
 */
export abstract class RebuildThenFollow<From> implements Liveness, Running {
  protected readers: FollowingReader[] = [];
  protected closing = false;
  /** The rebuild-then-follow attempt (and its retries); set by start(). */
  protected starting: Promise<void> | undefined;
  protected readonly log: Logger;
  /** The shared command connection, for the rebuild's reads. */
  protected readonly redis: Redis;
  private readonly delay = new InterruptibleDelay();

  /**
   * @param name the logger's name, as in `positions-consumer`.
   * @param model marked loaded once following; readiness waits for it.
   * @param connections the service's: the rebuild reads on `command`; each reader gets its own.
   */
  constructor(
    name: string,
    private readonly model: LoadableModel,
    protected readonly connections: RedisConnections,
  ) {
    this.log = getLogger(name);
    this.redis = connections.command;
  }

  /** Reads the model from Redis; returns where each stream is to be followed from. */
  protected abstract rebuild(): Promise<From>;
  /** Starts and returns the readers that follow the streams after `from`. */
  protected abstract follow(from: From): FollowingReader[] | Promise<FollowingReader[]>;

  /** Nest start-up: rebuilding goes on in the background; the endpoints answer 503 meanwhile. */
  onApplicationBootstrap(): void | Promise<void> {
    void this.start();
  }

  /** Starts rebuilding in the background; the promise settles once following (or closed). */
  start(): Promise<void> {
    this.starting ??= retryUntilClosed(
      async () => {
        const from = await this.rebuild();
        if (this.closing) return;
        this.readers = await this.follow(from);
        this.model.markLoaded();
      },
      {
        isClosing: () => this.closing,
        delay: this.delay,
        onError: (err, retryInMs) => this.log.warn({ err: errMessage(err), retry_in_ms: retryInMs }, 'rebuild from Redis failed; retrying'),
      },
    );
    return this.starting;
  }

  /** Stops the rebuild or the readers, within the shutdown budget (a hung Redis cannot hold it). */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    this.delay.wake();
    await stepWithinShutdown(
      this.constructor.name,
      (async () => {
        await this.starting;
        await Promise.all(this.readers.map((r) => r.close()));
      })(),
    );
  }

  /** Loaded and following every stream. */
  isLive(): boolean {
    return this.model.ready && !this.closing && this.readers.length > 0 && this.readers.every((r) => r.isLive());
  }

  /** The readers run, or the rebuild loop before them (retrying while Redis is down). */
  isRunning(): boolean {
    if (this.closing || this.starting === undefined) return false;
    return this.readers.length ? this.readers.every((r) => r.isRunning()) : true;
  }

  describe(): Record<string, unknown> {
    return this.readers.length ? { readers: this.readers.map((r) => r.describe()) } : { state: this.closing ? 'closed' : 'loading from Redis' };
  }
}
