import { KEYS } from '@app/contracts';
import { ControlStore, MarketPublisher } from '@app/redis-streams';
import { waitFor, type ServiceProcess } from '@app/testing';
import { plainText, userMessage } from './fixtures/fake-telegram.server';
import {
  ADMIN,
  answersTo,
  API_KEY,
  ask,
  bar,
  COMMANDS_ENV,
  DELIVERY_CHAT,
  gatewayGet,
  liveSignal,
  press,
  publishLive,
  startBackends,
  STRANGER,
} from './commands-harness';
import { metricValue, NotifierHarness, TEST_TOKEN, type NotifierProcess } from './notifier-harness';

/**
 * Telegram commands end to end: a built notifier long-polls the fake Bot API, reads a live
 * gateway process (with an API key) and a position-closer, and flips the kill switch in Redis.
 * Every answer is checked as the trader reads it.
 */
describe('Telegram commands', () => {
  let h: NotifierHarness;
  let n: NotifierProcess;
  let backends: ServiceProcess[] = [];
  let gatewayUrl: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    h = await NotifierHarness.start();
    const b = await startBackends(h);
    backends = b.procs;
    gatewayUrl = b.gatewayUrl;
    n = await h.notifier('commands-a', { ...COMMANDS_ENV, GATEWAY_URL: gatewayUrl });

    // BTC opens and reaches its target (one closed trade, +2R gross); ETH stays open, last at 199.
    const publisher = new MarketPublisher(h.client);
    ids.btc = await publishLive(publisher, liveSignal('BTCUSDT', 'BUY', 100, 98, 104));
    ids.eth = await publishLive(publisher, liveSignal('ETHUSDT', 'SELL', 200, 204, 190));
    await waitFor(async () => (await gatewayGet(gatewayUrl, '/api/positions')).count === 2, { what: 'two open positions' });
    await publisher.publish(bar('BTCUSDT', 1, 104.5, 99.5, 104));
    await publisher.publish(bar('ETHUSDT', 1, 200.5, 198.5, 199));
    await waitFor(async () => (await gatewayGet(gatewayUrl, '/api/positions')).count === 1, { what: 'BTC closed' });
    await waitFor(async () => ((await gatewayGet(gatewayUrl, '/api/market/symbols')).symbols as unknown[]).length === 2, { what: 'prices' });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(backends.map((p) => p.kill('SIGKILL')));
    await h?.close();
  });

  it('answers /help, /status, /signals, /positions and /performance with what the gateway holds, each with a refresh button', async () => {
    const help = await ask(h, '/help');
    for (const c of ['/status', '/signals', '/positions', '/performance', '/pause', '/resume', '/flatten', '/close <id>', '/help']) expect(help.text).toContain(c);
    expect(help.message.parse_mode).toBe('HTML');

    const status = await ask(h, '/status');
    expect(status.text).toMatch(/^📊 Status\n✅ trading enabled\nSignals: 2 active · last signal \d+s ago\nOpen positions: 1\nGateway: up · up \d+s · SSE clients 0\nas of \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    expect(status.buttons).toEqual(['r:status']);

    // Both signals are active (none acknowledged, none expired): a closed position does not end its signal.
    const signals = await ask(h, '/signals');
    expect(signals.text.split('\n')[0]).toBe('📡 Active signals (2)');
    expect(signals.text).toContain('🟢 BUY BTCUSDT · 1m · ');
    expect(signals.text).toContain('🔴 SELL ETHUSDT · 1m · ');
    expect(signals.text).toContain('entry 200 · SL 204 · TP 190 · strength 75');
    expect(signals.buttons).toEqual(['r:signals']);

    const positions = await ask(h, '/positions');
    expect(positions.text).toContain('📂 Open positions (1)');
    expect(positions.text).toContain('🔴 SELL ETHUSDT · held ');
    // SELL from 200 with the stop at 204, last close 199: +1 / 4 = +0.25R.
    expect(positions.text).toContain('entry 200 · SL 204 · TP 190 · last 199 (+0.25R)');
    expect(positions.text).toContain(`/close ${ids.eth}`);
    expect(positions.buttons).toEqual(['r:positions', `ca:${ids.eth}`]);

    const performance = await ask(h, '/performance');
    expect(performance.text).toContain('📈 Performance · closed trades, after fees and slippage');
    expect(performance.text).toMatch(/Trades 1 · win rate 100% \(gross 100%\)/);
    expect(performance.text).toMatch(/Total \+1\.\d\dR \(gross \+2\.00R\)/);
    expect(performance.text).toContain('By strategy');
    expect(performance.text).toMatch(/ {2}BTCUSDT: 1 · 100% · \+1\.\d\dR/);
    expect(performance.buttons).toEqual(['r:performance']);

    expect((await ask(h, '/nonsense')).text).toBe('Unknown command. /help lists them.');
  });

  it('gives a stranger no answer at all, logs the chat without secrets, and changes nothing', async () => {
    const before = h.tg.messagesFor(STRANGER.id).length;
    const sent = ['/status', '/pause', '/flatten'].map((t) => h.tg.sendCommand(STRANGER.id, t, STRANGER));
    const last = sent[sent.length - 1].update_id;
    // Answered or not, the offset passes an update once the bot is done with it.
    await waitFor(async () => Number(await h.client.get(`${KEYS.telegramCommands}:offset`)) > last, { what: 'the strangers updates consumed' });
    // An admin's command right after is answered, so the bot is not just slow.
    await ask(h, '/help');
    expect(h.tg.messagesFor(STRANGER.id).length).toBe(before);
    expect((await new ControlStore(h.client).read()).trading).toBe('enabled');
    const out = n.proc.output();
    expect(out).toMatch(/"chat_id":4343,"user_id":4343,"kind":"message".*ignored an update from a chat not in TELEGRAM_ADMIN_CHAT_IDS/);
    expect(out).not.toContain(TEST_TOKEN);
    expect(out).not.toContain(API_KEY);
    expect(metricValue(await h.metrics(n), 'telegram_updates_ignored_total', { reason: 'not_admin' })).toBe(3);
  });

  it('/pause and /resume go through the kill switch: a live gateway shows them with by telegram:<user>, and the chats are told', async () => {
    const paused = await ask(h, '/pause');
    expect(paused.text).toMatch(/^⏸ PAUSED: no signal is served as active \(since .* UTC, by telegram:alice\)\nNo signal is served as active until \/resume\.$/);
    await waitFor(async () => (await gatewayGet(gatewayUrl, '/api/control')).trading === 'paused', { what: 'the gateway paused' });
    expect(await gatewayGet(gatewayUrl, '/api/control')).toMatchObject({ status: 'success', trading: 'paused', by: 'telegram:alice' });
    expect((await gatewayGet(gatewayUrl, '/api/signals/latest')).signal).toBeNull();
    // The control stream's announcement reaches the delivery chats, as for POST /api/control.
    await waitFor(() => h.tg.messagesFor(DELIVERY_CHAT).some((m) => plainText(m.text).includes('telegram:alice')), { what: 'the pause announced' });

    expect((await ask(h, '/pause')).text).toMatch(/^Already so: ⏸ PAUSED/);
    const signals = await ask(h, '/signals');
    expect(signals.text).toContain('⏸ Trading is paused: no signal is served as active until /resume.');

    const resumed = await ask(h, '/resume');
    expect(resumed.text).toMatch(/^✅ trading enabled \(since .* UTC, by telegram:alice\)\nNew signals are served again\.$/);
    await waitFor(async () => (await gatewayGet(gatewayUrl, '/api/control')).trading === 'enabled', { what: 'the gateway resumed' });
  });

  it('the refresh button edits the message in place and answers the button', async () => {
    const status = await ask(h, '/status');
    await new ControlStore(h.client).change('paused', 'bob');
    const refreshed = await press(h, ADMIN.id, status.message.message_id, 'r:status');
    expect(refreshed.answer).toBe('Refreshed');
    expect(refreshed.text).toMatch(/^📊 Status\n⏸ PAUSED: no signal is served as active \(since .* UTC, by bob\)/);
    expect(h.tg.message(ADMIN.id, status.message.message_id)?.reply_markup?.inline_keyboard.flat().map((b) => b.callback_data)).toEqual(['r:status']);
    await new ControlStore(h.client).change('enabled', 'bob');
  });

  it('/flatten asks first: Cancel changes nothing, Yes flattens through the kill switch', async () => {
    const ask1 = await ask(h, '/flatten');
    expect(ask1.text).toMatch(/^🛑 Flatten all\?/);
    expect(ask1.buttons).toEqual(['flatten', 'cancel']);
    const cancelled = await press(h, ADMIN.id, ask1.message.message_id, 'cancel');
    expect(cancelled).toEqual({ answer: 'Cancelled', text: 'Cancelled: nothing changed.' });
    expect((await gatewayGet(gatewayUrl, '/api/control')).trading).toBe('enabled');

    const ask2 = await ask(h, '/flatten');
    const confirmed = await press(h, ADMIN.id, ask2.message.message_id, 'flatten');
    expect(confirmed.answer).toBe('Flattening');
    expect(confirmed.text).toMatch(/^🛑 FLATTEN: paused, and ATAS closes its positions \(since .* UTC, by telegram:alice\)/);
    // The prompt's buttons are gone: a second tap cannot flatten again.
    expect(h.tg.message(ADMIN.id, ask2.message.message_id)?.reply_markup).toBeUndefined();
    await waitFor(async () => (await gatewayGet(gatewayUrl, '/api/control')).trading === 'flatten', { what: 'the gateway in flatten' });
    expect((await gatewayGet(gatewayUrl, '/api/control')).by).toBe('telegram:alice');
    await ask(h, '/resume');
  });

  it('/close <id> asks first, then closes through the gateway’s manual close; the closer exits at the last price', async () => {
    expect((await ask(h, '/close')).text).toBe('Usage: /close <id>, the ids are in /positions.');
    expect((await ask(h, '/close 12<b>')).text).toBe("Usage: /close <id>, '12<b>' is not a position id: the ids are in /positions.");
    expect((await ask(h, `/close ${ids.btc}`)).text).toBe(`Position ${ids.btc} is not open (already closed).`);

    const prompt = await ask(h, `/close ${ids.eth}`);
    expect(prompt.text).toMatch(/^✖ Close SELL ETHUSDT\?\nEntry 200, opened /);
    expect(prompt.buttons).toEqual([`c:${ids.eth}`, 'cancel']);
    const done = await press(h, ADMIN.id, prompt.message.message_id, `c:${ids.eth}`);
    expect(done.answer).toBe('Done');
    expect(done.text).toMatch(new RegExp(`^✖ Close requested for ${ids.eth}: the position-closer closes it at the last price and tells ATAS \\(request [0-9a-f-]{36}\\)\\.$`));
    await waitFor(async () => ((await gatewayGet(gatewayUrl, `/api/positions/${ids.eth}`)).position as { status: string }).status === 'closed', { what: 'ETH closed' });
    expect((await gatewayGet(gatewayUrl, `/api/positions/${ids.eth}`)).position).toMatchObject({ reason: 'manual', exit_price: 199 });
    // The close request ATAS pages through, as for the dashboard's Close.
    const requests = (await gatewayGet(gatewayUrl, '/api/positions/close-requests')).close_requests as { position_id: string; reason: string }[];
    expect(requests).toContainEqual(expect.objectContaining({ position_id: ids.eth, reason: 'manual' }));

    // The same confirm pressed again (a double tap) closes nothing more.
    const again = await press(h, ADMIN.id, prompt.message.message_id, `c:${ids.eth}`);
    expect(again.text).toMatch(new RegExp(`^Nothing to close: position ${ids.eth} is already closed \\(manual at 199`));
    expect(await ask(h, '/positions')).toMatchObject({ buttons: ['r:positions'] });
  });

  it('reports health with the command poller and never logs the token or the API key', async () => {
    const health = (await (await fetch(`http://127.0.0.1:${n.port}/health`)).json()) as { status: string; details: Record<string, Record<string, unknown>> };
    expect(health.status).toBe('ok');
    expect(health.details.telegram_commands).toMatchObject({ status: 'up', leader: true });
    expect(metricValue(await h.metrics(n), 'telegram_commands_poller_leader')).toBe(1);
    expect(metricValue(await h.metrics(n), 'telegram_commands_total', { command: 'status', outcome: 'ok' })).toBeGreaterThanOrEqual(2);
    expect(n.proc.output()).not.toContain(TEST_TOKEN);
    expect(n.proc.output()).not.toContain(API_KEY);
    // Polling mode: the webhook route does not exist for it.
    const hook = await fetch(`http://127.0.0.1:${n.port}/telegram/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(hook.status).toBe(404);
  });
});

/** Webhook mode: every replica registers the URL and secret; each posted update is answered once. */
describe('Telegram commands by webhook', () => {
  const SECRET = 'webhook-secret-for-the-test_0123456789';
  let h: NotifierHarness;
  let replicas: NotifierProcess[];

  beforeAll(async () => {
    h = await NotifierHarness.start();
    const env = { ...COMMANDS_ENV, GATEWAY_URL: 'http://127.0.0.1:9', TELEGRAM_COMMANDS: 'webhook', TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/telegram/webhook', TELEGRAM_WEBHOOK_SECRET: SECRET };
    replicas = [await h.notifier('hook-a', env), await h.notifier('hook-b', env)];
  });
  afterAll(async () => {
    await h?.close();
  });

  const post = (r: NotifierProcess, body: unknown, secret = SECRET) =>
    fetch(`http://127.0.0.1:${r.port}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
      body: JSON.stringify(body),
    });

  it('registers the webhook with its secret, and answers an update posted twice (a retry, another replica) once', async () => {
    await waitFor(() => h.tg.webhook(), { what: 'setWebhook' });
    expect(h.tg.webhook()).toEqual({ url: 'https://bot.example.com/telegram/webhook', secret_token: SECRET });
    const update = { update_id: 90_001, message: userMessage(ADMIN.id, 77, '/help', ADMIN) };
    const first = await post(replicas[0], update);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ status: 'success', duplicate: false });
    expect(await (await post(replicas[1], update)).json()).toEqual({ status: 'success', duplicate: true });
    expect(answersTo(h, ADMIN.id, 77)).toHaveLength(1);
    expect(plainText(answersTo(h, ADMIN.id, 77)[0].text)).toMatch(/^🤖 Commands/);
  });

  it('refuses posts without the secret, and bad bodies, in the platform error shape', async () => {
    const wrong = await post(replicas[0], { update_id: 90_002, message: userMessage(ADMIN.id, 78, '/pause', ADMIN) }, 'not-the-secret');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ status: 'error', message: 'missing or wrong X-Telegram-Bot-Api-Secret-Token' });
    expect((await post(replicas[0], { update_id: 90_003 }, '')).status).toBe(401);
    const bad = await post(replicas[0], { hello: 1 });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ status: 'error', message: 'body must be a Telegram Update with an integer update_id' });
    expect((await new ControlStore(h.client).read()).trading).toBe('enabled');
    for (const r of replicas) expect(r.proc.output()).not.toContain(SECRET);
  });
});
