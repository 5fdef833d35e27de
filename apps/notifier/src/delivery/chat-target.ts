/** A configured destination. Negative ids are groups and supergroups; `@name` is a public channel or group. */
export interface ChatTarget {
  id: string;
  /** Groups have a per-minute limit on top of the per-chat one. */
  group: boolean;
}

const NUMERIC_ID = /^-?\d{1,20}$/;
const PUBLIC_NAME = /^@[A-Za-z][A-Za-z0-9_]{3,31}$/;

/**
 * `123456, -1001234567890, @my_channel` → targets, in order, without repeats. Throws naming the
 * first entry that is not a chat id.
 */
export function parseChatIds(raw: string): ChatTarget[] {
  const out: ChatTarget[] = [];
  for (const part of raw.split(',')) {
    const id = part.trim();
    if (!id) continue;
    if (!NUMERIC_ID.test(id) && !PUBLIC_NAME.test(id)) {
      throw new Error(`'${id}' is not a chat id (use a user id like 123456, a group id like -1001234567890 or @channel_name)`);
    }
    if (out.some((c) => c.id === id)) continue;
    // Public @names may be channels or groups: treated as groups, the stricter of the two.
    out.push({ id, group: id.startsWith('-') || id.startsWith('@') });
  }
  return out;
}
