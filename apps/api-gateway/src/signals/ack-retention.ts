import { compareStreamIds, streamIdTime } from '@app/redis-streams';

/**
 * Whether the stored ack of signal `signalId` may be deleted. Only when the signal can never be
 * served as active again, by any gateway, even one rebuilt from Redis now:
 * - its signal has left the capped `signals` stream (older than `oldestSignalId`): a rebuild
 *   reads the stream's tail and no live reader sees it again, so no gateway can load it; or
 * - it was stored before `cutoffMs` (now minus ACK_RETENTION_HOURS, which the config keeps far
 *   above SIGNAL_TTL_SECONDS): every gateway counts a signal expired from its stream id's time,
 *   the same clock as this cutoff, and an expired signal is never served as active.
 * So an ack-less old signal is at most shown as `expired` instead of `acknowledged` in a history,
 * and never handed to ATAS to execute a second time.
 */
export function ackPrunable(signalId: string, oldestSignalId: string | null, cutoffMs: number): boolean {
  if (oldestSignalId === null || compareStreamIds(signalId, oldestSignalId) < 0) return true;
  return streamIdTime(signalId) < cutoffMs;
}
