/** Telegram's cap on a message's text; we count tags and entities too, so we never exceed it. */
export const MAX_MESSAGE_CHARS = 4096;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Escapes a dynamic value for `parse_mode: HTML`. Telegram rejects the whole message
 * ("can't parse entities") on a stray `<` or `&`, so every value that did not come from this
 * file's own templates goes through here: strategy names, symbols, reasons, ids.
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>]/g, (c) => ENTITIES[c]);
}

/**
 * Shortens raw text (before escaping, so an entity is never cut in half) to `max` code points,
 * ending with `…`. Code points, not UTF-16 units: a split surrogate pair is invalid UTF-8 to Telegram.
 */
export function clip(value: string, max: number): string {
  const chars = Array.from(value);
  return chars.length <= max ? value : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** Clip, then escape: the usual treatment of an untrusted field. */
export function field(value: string, max: number): string {
  return escapeHtml(clip(value, max));
}

/**
 * Last line of defence for the 4096 cap: drops whole lines from the end (each template line is
 * balanced HTML on its own, so the result still parses) and marks the cut.
 */
export function capMessage(text: string, max = MAX_MESSAGE_CHARS): string {
  if (text.length <= max) return text;
  const lines = text.split('\n');
  while (lines.length > 1 && lines.join('\n').length + 2 > max) lines.pop();
  const kept = lines.join('\n');
  if (kept.length + 2 <= max) return `${kept}\n…`;
  // One line longer than the cap (templates clip their fields, so this is defensive): plain text,
  // clipped so that even an all-`&` text stays under the cap once escaped (`&` → 5 characters).
  const plain = kept.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return escapeHtml(clip(plain, Math.floor(max / 5)));
}
