import { KEYS } from '@app/contracts';

/** Redis keys of the delivery state, under `KEYS.notifierDelivery` (layout: apps/notifier/README.md). */
export interface DeliveryKeys {
  /** String: JSON of a notification, shared by every chat's outbox. */
  item(entryKey: string): string;
  /** Integer: how many outboxes still hold the entry; its item is deleted at 0. */
  itemRefs(entryKey: string): string;
  /** Sorted set: entry keys waiting for this chat, scored by stream order. */
  outbox(chat: string): string;
  /** Sorted set: entry keys delivered to this chat, scored by delivery time (ms). */
  sent(chat: string): string;
  /** Sorted set: entry keys Telegram refused for good for this chat. */
  failed(chat: string): string;
  /** String: the owner token of the one sender allowed to talk to this chat right now. */
  lock(chat: string): string;
  chatWindow(chat: string): string;
  groupWindow(chat: string): string;
  globalWindow: string;
  /** String with a TTL: set from a 429's `retry_after`; no send starts while it exists. */
  pause: string;
}

export function deliveryKeys(prefix: string = KEYS.notifierDelivery): DeliveryKeys {
  return {
    item: (e) => `${prefix}:item:${e}`,
    itemRefs: (e) => `${prefix}:item-refs:${e}`,
    outbox: (c) => `${prefix}:outbox:${c}`,
    sent: (c) => `${prefix}:sent:${c}`,
    failed: (c) => `${prefix}:failed:${c}`,
    lock: (c) => `${prefix}:lock:${c}`,
    chatWindow: (c) => `${prefix}:window:chat:${c}`,
    groupWindow: (c) => `${prefix}:window:group:${c}`,
    globalWindow: `${prefix}:window:global`,
    pause: `${prefix}:pause`,
  };
}
