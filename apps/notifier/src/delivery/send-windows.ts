import type { ChatTarget } from './chat-target';
import type { DeliveryKeys } from './delivery-keys';

/** Telegram's limits as configuration (defaults: 30/s overall, 1/s per chat, 20/min per group). */
export interface RateLimits {
  globalPerSecond: number;
  chatPerSecond: number;
  groupPerMinute: number;
  /**
   * Added to every window, so jitter between our clock and the receiver's never makes two sends
   * look closer than the limit. Default 25 ms.
   */
  marginMs: number;
}

/** At most `max` sends in any `windowMs`, counted in the sorted set at `key`. */
export interface SendWindow {
  key: string;
  max: number;
  windowMs: number;
}

/** Every window a send to `chat` must fit: the chat's own, its group's (if a group), the bot's. */
export function sendWindows(chat: ChatTarget, limits: RateLimits, keys: DeliveryKeys): SendWindow[] {
  const windows: SendWindow[] = [
    // 1 per (1000 / rate) ms rather than `rate` per second: Telegram asks for spacing, not bursts.
    { key: keys.chatWindow(chat.id), max: 1, windowMs: Math.ceil(1000 / limits.chatPerSecond) + limits.marginMs },
    { key: keys.globalWindow, max: Math.max(1, Math.floor(limits.globalPerSecond)), windowMs: 1000 + limits.marginMs },
  ];
  if (chat.group) {
    windows.push({ key: keys.groupWindow(chat.id), max: Math.max(1, Math.floor(limits.groupPerMinute)), windowMs: 60_000 + limits.marginMs });
  }
  return windows;
}

/** How long a job waits before looking again at a chat another sender is busy with. */
export function busyPollMs(limits: RateLimits): number {
  return Math.min(1000, Math.max(20, Math.ceil(1000 / limits.chatPerSecond)));
}

/**
 * The least a job waits when its entry is not the oldest in the chat's outbox. The oldest entry's
 * job sends everything pending as one digest, so the others need not race it for every free slot:
 * looking again once per chat interval is enough for the chat never to idle (the next message
 * cannot go out sooner anyway), and keeps a burst of N waiting jobs from waking N times a slot.
 */
export function followerWaitMs(limits: RateLimits): number {
  return Math.max(100, Math.ceil(1000 / limits.chatPerSecond) + limits.marginMs);
}
