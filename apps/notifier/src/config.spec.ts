import { ConfigError } from '@app/config';
import { DRY_RUN_CHAT, loadConfig } from './config';

const TOKEN = '123456789:AAFakeTokenForTests_abcdefghijklmnop';

describe('notifier config', () => {
  it('defaults to Telegram limits and a dry run when no token is set', () => {
    const cfg = loadConfig({});
    expect(cfg.telegram.token).toBeUndefined();
    expect(cfg.telegram.chats).toEqual([{ id: DRY_RUN_CHAT, group: false }]);
    expect(cfg.telegram.apiUrl).toBe('https://api.telegram.org');
    expect(cfg.limits).toEqual({ globalPerSecond: 30, chatPerSecond: 1, groupPerMinute: 20, marginMs: 25 });
    expect(cfg.port).toBe(9101);
    expect(cfg.delivery.lockTtlMs).toBeGreaterThan(cfg.telegram.timeoutMs);
  });

  it('treats empty variables (as docker-compose passes them) as unset', () => {
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: '', TELEGRAM_CHAT_IDS: '' }).telegram.token).toBeUndefined();
  });

  it('parses chat ids: users, groups (negative, 20/min) and @channels', () => {
    const cfg = loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_CHAT_IDS: ' 12345, -1001234567890 ,@my_channel,12345', TELEGRAM_API_URL: 'http://127.0.0.1:9/' });
    expect(cfg.telegram.chats).toEqual([
      { id: '12345', group: false },
      { id: '-1001234567890', group: true },
      { id: '@my_channel', group: true },
    ]);
    expect(cfg.telegram.apiUrl).toBe('http://127.0.0.1:9');
  });

  it('names the bad variable and never echoes the token', () => {
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN })).toThrow(/TELEGRAM_CHAT_IDS is required/);
    expect(() => loadConfig({ TELEGRAM_CHAT_IDS: '123,not a chat' })).toThrow(/TELEGRAM_CHAT_IDS: 'not a chat' is not a chat id/);
    expect(() => loadConfig({ TELEGRAM_GLOBAL_RATE: '0' })).toThrow(/TELEGRAM_GLOBAL_RATE/);
    expect(() => loadConfig({ TELEGRAM_API_URL: 'ftp://x' })).toThrow(/TELEGRAM_API_URL/);
    const badToken = 'not-a-token-but-secret-looking-value';
    let message = '';
    try {
      loadConfig({ TELEGRAM_BOT_TOKEN: badToken, TELEGRAM_CHAT_IDS: '1' });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toMatch(/TELEGRAM_BOT_TOKEN must look like/);
    expect(message).not.toContain(badToken);
  });
});
