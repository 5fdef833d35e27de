import type { Context, MiddlewareFn } from 'grammy';
import { getLogger } from '@app/observability';
import { updatesIgnored } from './commands.metrics';

const log = getLogger('telegram-commands');

/**
 * Only chats in TELEGRAM_ADMIN_CHAT_IDS reach the commands (a button press counts for the chat
 * its message is in). Anyone else gets no answer at all, so the bot does not even confirm it is
 * listening; the log line names the chat and user ids, never the text.
 */
export function adminOnly(admins: ReadonlySet<number>): MiddlewareFn<Context> {
  return async (ctx, next) => {
    const chatId = ctx.chat?.id;
    if (chatId !== undefined && admins.has(chatId)) return next();
    updatesIgnored.inc({ reason: 'not_admin' });
    log.warn(
      { update_id: ctx.update.update_id, chat_id: chatId ?? null, user_id: ctx.from?.id ?? null, kind: ctx.callbackQuery ? 'button' : ctx.message ? 'message' : 'other' },
      'ignored an update from a chat not in TELEGRAM_ADMIN_CHAT_IDS (no answer sent)',
    );
  };
}
