import { Composer, GrammyError, type Context, type InlineKeyboard } from 'grammy';
import type { TradingState } from '@app/contracts';
import { getLogger, redactSecrets } from '@app/observability';
import type { ControlStore } from '@app/redis-streams';
import { capMessage, field } from '../telegram/html';
import { formatPrice } from '../telegram/number-format';
import { decodeAction, PositionIdSchema, VIEWS, type ButtonAction } from './callback-data';
import { commandsHandled } from './commands.metrics';
import { GatewayError, type GatewayClient } from './gateway.client';
import { confirmCloseKeyboard, confirmFlattenKeyboard } from './keyboards';
import type { ViewLoader } from './view.loader';
import { OpenPosition } from './views/gateway-replies';
import { HELP_TEXT } from './views/help.view';
import { tradingLine, utc } from './views/view-text';

export interface CommandDeps {
  views: ViewLoader;
  /** The kill switch's one store, the same the gateway's POST /api/control writes. */
  control: ControlStore;
  /** The gateway's manual close: POST /api/positions/{id}/close. */
  gateway: GatewayClient;
}

const log = getLogger('telegram-commands');

const FLATTEN_PROMPT =
  '🛑 <b>Flatten all?</b>\nTrading pauses (no signal served as active) and the ATAS strategy closes every position, keeping its stop until flat.';

/**
 * The admin commands and their buttons. Runs behind the admin guard; every answer replies to the
 * command's message, so in a group it is clear which command it answers.
 */
export function commandHandlers(deps: CommandDeps): Composer<Context> {
  const c = new Composer<Context>();
  for (const view of VIEWS) {
    c.command(view, (ctx) =>
      counted(ctx, view, async () => {
        const m = await deps.views.load(view);
        await reply(ctx, m.text, m.keyboard);
      }),
    );
  }
  c.command(['help', 'start'], (ctx) => counted(ctx, 'help', () => reply(ctx, HELP_TEXT)));
  c.command('pause', (ctx) => counted(ctx, 'pause', () => setTrading(ctx, deps, 'paused')));
  c.command('resume', (ctx) => counted(ctx, 'resume', () => setTrading(ctx, deps, 'enabled')));
  c.command('flatten', (ctx) => counted(ctx, 'flatten', () => reply(ctx, FLATTEN_PROMPT, confirmFlattenKeyboard())));
  c.command('close', (ctx) => counted(ctx, 'close', () => askClose(ctx, deps, ctx.match.trim())));
  c.on('callback_query:data', (ctx) => counted(ctx, 'button', () => onButton(ctx, deps, decodeAction(ctx.callbackQuery.data))));
  c.on('message:text', (ctx) =>
    ctx.message.text.startsWith('/') ? counted(ctx, 'unknown', () => reply(ctx, 'Unknown command. /help lists them.')) : undefined,
  );
  return c;
}

/** Who flipped the switch, as /api/control and the Telegram announcement show it. */
export function actor(ctx: Context): string {
  const from = ctx.from;
  return `telegram:${from?.username ?? from?.id ?? ctx.chat?.id ?? 'unknown'}`;
}

async function setTrading(ctx: Context, deps: CommandDeps, trading: TradingState): Promise<void> {
  const { state, changed } = await deps.control.change(trading, actor(ctx));
  const text = changed
    ? `${tradingLine(state)}\n${trading === 'enabled' ? 'New signals are served again.' : 'No signal is served as active until /resume.'}`
    : `Already so: ${tradingLine(state)}`;
  await reply(ctx, text);
}

async function askClose(ctx: Context, deps: CommandDeps, arg: string): Promise<void> {
  if (!PositionIdSchema.safeParse(arg).success) {
    await reply(ctx, `Usage: <code>/close &lt;id&gt;</code>, ${arg ? `'${field(arg, 40)}' is not a position id: ` : ''}the ids are in /positions.`);
    return;
  }
  const body = await deps.gateway.get(`/api/positions/${arg}`);
  const parsed = OpenPosition.safeParse(body.position);
  const status = (body.position as { status?: unknown } | undefined)?.status;
  if (status !== 'open' || !parsed.success) {
    await reply(ctx, `Position <code>${field(arg, 40)}</code> is not open (${status === 'closed' ? 'already closed' : 'unknown'}).`);
    return;
  }
  const p = parsed.data;
  await reply(
    ctx,
    `✖ <b>Close ${p.direction} ${field(p.symbol, 20)}?</b>\nEntry <code>${formatPrice(p.entry_price)}</code>, opened ${utc(p.opened_at)}.\nIt closes at the last price; ATAS is told through close-requests.`,
    confirmCloseKeyboard(p.position_id),
  );
}

async function onButton(ctx: Context, deps: CommandDeps, action: ButtonAction | undefined): Promise<void> {
  if (!action) {
    await ctx.answerCallbackQuery({ text: 'This button is no longer valid.' });
    return;
  }
  switch (action.kind) {
    case 'refresh': {
      const m = await deps.views.load(action.view);
      const edited = await edit(ctx, m.text, m.keyboard);
      await ctx.answerCallbackQuery({ text: edited ? 'Refreshed' : 'Already up to date' });
      return;
    }
    case 'flatten': {
      const { state, changed } = await deps.control.change('flatten', actor(ctx));
      await edit(ctx, changed ? `${tradingLine(state)}\nNo signal is served as active until /resume.` : `Already so: ${tradingLine(state)}`);
      await ctx.answerCallbackQuery({ text: changed ? 'Flattening' : 'Already flattening' });
      return;
    }
    case 'close_ask':
      await askClose(ctx, deps, action.positionId);
      await ctx.answerCallbackQuery();
      return;
    case 'close': {
      const text = await closePosition(deps, action.positionId);
      await edit(ctx, text);
      await ctx.answerCallbackQuery({ text: 'Done' });
      return;
    }
    case 'cancel':
      await edit(ctx, 'Cancelled: nothing changed.');
      await ctx.answerCallbackQuery({ text: 'Cancelled' });
      return;
  }
}

async function closePosition(deps: CommandDeps, positionId: string): Promise<string> {
  try {
    const r = await deps.gateway.post(`/api/positions/${positionId}/close`);
    return `✖ Close requested for <code>${field(positionId, 40)}</code>: the position-closer closes it at the last price and tells ATAS (request <code>${field(String(r.request_id), 40)}</code>).`;
  } catch (err) {
    if (err instanceof GatewayError && err.status === 404) return `Nothing to close: ${field(err.message.replace(/^gateway: /, ''), 300)}`;
    throw err;
  }
}

function reply(ctx: Context, text: string, keyboard?: InlineKeyboard): Promise<unknown> {
  const replyTo = ctx.msg?.message_id;
  return ctx.reply(capMessage(text), {
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
    ...(keyboard ? { reply_markup: keyboard } : {}),
    ...(replyTo !== undefined && !ctx.callbackQuery ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {}),
  });
}

/** Edits the message the button is on; false when Telegram says nothing changed. */
async function edit(ctx: Context, text: string, keyboard?: InlineKeyboard): Promise<boolean> {
  try {
    await ctx.editMessageText(capMessage(text), { parse_mode: 'HTML', link_preview_options: { is_disabled: true }, ...(keyboard ? { reply_markup: keyboard } : {}) });
    return true;
  } catch (err) {
    if (err instanceof GrammyError && err.error_code === 400 && err.description.includes('message is not modified')) return false;
    throw err;
  }
}

/** Counts the command and turns a failure into an answer: a trader must never be left guessing. */
async function counted(ctx: Context, command: string, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
    commandsHandled.inc({ command, outcome: 'ok' });
  } catch (err) {
    commandsHandled.inc({ command, outcome: 'error' });
    const message = err instanceof GatewayError ? err.message : 'internal error, logged';
    log.error({ command, chat_id: ctx.chat?.id, err: redactSecrets(err instanceof Error ? err.message : String(err)) }, 'command failed');
    await failed(ctx, `⚠️ ${command} failed: ${field(message, 300)}`);
  }
}

async function failed(ctx: Context, text: string): Promise<void> {
  try {
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: text.replace(/<[^>]*>/g, '').slice(0, 200), show_alert: true });
    else await reply(ctx, text);
  } catch (err) {
    log.warn({ chat_id: ctx.chat?.id, err: redactSecrets(err instanceof Error ? err.message : String(err)) }, 'could not tell the chat a command failed');
  }
}
