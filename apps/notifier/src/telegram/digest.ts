import { MAX_MESSAGE_CHARS } from './html';
import { digestLine, formatNotification } from './message.formatter';
import type { NotificationJob } from '@app/contracts';

export interface ComposedMessage {
  text: string;
  /** How many of the given items (from the start) the text covers. */
  count: number;
  /** `single`: one item in full; `digest`: several, one line each. */
  kind: 'single' | 'digest';
}

/**
 * The next message for a chat from its pending items (oldest first): the full message when one
 * is pending, else a digest of as many as fit in `max` characters. Items that do not fit stay
 * pending for the next message.
 */
export function composeMessage(items: readonly NotificationJob[], max = MAX_MESSAGE_CHARS): ComposedMessage {
  if (!items.length) throw new Error('composeMessage needs at least one item');
  if (items.length === 1) return { text: formatNotification(items[0]), count: 1, kind: 'single' };
  return buildDigest(items, max);
}

export function buildDigest(items: readonly NotificationJob[], max = MAX_MESSAGE_CHARS): ComposedMessage {
  const lines: string[] = [];
  for (const item of items) {
    const line = digestLine(item);
    const candidate = render([...lines, line], items.slice(0, lines.length + 1));
    if (lines.length && candidate.length > max) break;
    lines.push(line);
  }
  let text = render(lines, items.slice(0, lines.length));
  // Defensive: a single line is far below the cap, but never send more than it.
  while (text.length > max && lines.length > 1) {
    lines.pop();
    text = render(lines, items.slice(0, lines.length));
  }
  return { text, count: lines.length, kind: 'digest' };
}

function render(lines: readonly string[], covered: readonly NotificationJob[]): string {
  const signals = covered.filter((i) => i.kind === 'signal').length;
  const controls = covered.filter((i) => i.kind === 'control').length;
  const closes = covered.length - signals - controls;
  const parts = [signals && plural(signals, 'signal'), closes && plural(closes, 'closed position'), controls && plural(controls, 'kill switch change')].filter(Boolean);
  return [`📬 <b>Digest: ${parts.join(', ')}</b> (grouped to stay within Telegram's rate limit)`, ...lines].join('\n');
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
