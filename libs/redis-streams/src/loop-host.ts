import { stepWithinShutdown, type Liveness, type Running } from '@app/observability';

/** A loop a provider runs: a StreamReader, a ConsumerGroupReader or a BullMQ Worker. */
export interface HostedLoop {
  isRunning(): boolean;
  /** Absent (a BullMQ worker): live while running, as it reconnects by itself. */
  isLive?(): boolean;
  describe?(): Record<string, unknown>;
  close(): Promise<unknown>;
}

/**
 * Base of a Nest provider that owns one loop, started in its onApplicationBootstrap by setting
 * `hosted`: readiness (isLive), liveness (isRunning), the health detail and the shutdown
 * (onModuleDestroy closes the loop, within the shutdown budget) are the loop's. Not started yet: neither live nor running.
 */
export abstract class LoopHost implements Liveness, Running {
  protected hosted: HostedLoop | undefined;

  isLive(): boolean {
    return this.hosted ? (this.hosted.isLive?.() ?? this.hosted.isRunning()) : false;
  }

  isRunning(): boolean {
    return this.hosted?.isRunning() ?? false;
  }

  describe(): Record<string, unknown> {
    return this.hosted?.describe?.() ?? {};
  }

  /** Stops the loop; waits for it within the shutdown budget (a hung Redis cannot hold it). */
  async onModuleDestroy(): Promise<void> {
    if (this.hosted) await stepWithinShutdown(this.constructor.name, this.hosted.close());
  }
}
