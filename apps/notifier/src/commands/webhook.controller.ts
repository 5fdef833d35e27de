import { Body, Controller, Headers, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import type { Update } from 'grammy/types';
import { TelegramCommands } from './telegram-commands.service';

/**
 * `POST /telegram/webhook` in webhook mode (404 otherwise). Telegram proves itself with the
 * secret it was given in setWebhook; a retried update is taken once across every replica.
 * Errors in the platform's shape, `{status: "error", message}`.
 */
@Controller('telegram')
export class WebhookController {
  constructor(private readonly commands: TelegramCommands) {}

  @Post('webhook')
  async update(
    @Headers('x-telegram-bot-api-secret-token') token: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<Record<string, unknown>> {
    const secret = this.commands.webhookSecret;
    const fail = (status: number, message: string) => {
      void res.status(status);
      return { status: 'error', message };
    };
    if (!secret) return fail(404, 'Telegram commands are not in webhook mode (TELEGRAM_COMMANDS=webhook)');
    if (!token || !sameSecret(token, secret)) return fail(401, 'missing or wrong X-Telegram-Bot-Api-Secret-Token');
    const id = (body as { update_id?: unknown } | null)?.update_id;
    if (!Number.isSafeInteger(id)) return fail(400, 'body must be a Telegram Update with an integer update_id');
    const taken = await this.commands.takeWebhookUpdate(body as Update);
    void res.status(200);
    return { status: 'success', duplicate: !taken };
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
