import { counter, gauge } from '@app/observability';

export const commandsHandled = counter({
  name: 'telegram_commands_total',
  help: 'Commands and button presses from admin chats, by command (status, pause, button, unknown...) and outcome (ok, error)',
  labelNames: ['command', 'outcome'] as const,
});

export const updatesIgnored = counter({
  name: 'telegram_updates_ignored_total',
  help: 'Telegram updates not answered: not_admin (a chat outside TELEGRAM_ADMIN_CHAT_IDS), duplicate (a webhook retry already taken)',
  labelNames: ['reason'] as const,
});

export const pollerLeader = gauge({
  name: 'telegram_commands_poller_leader',
  help: '1 while this replica holds the lease and long-polls getUpdates (one replica at a time), else 0',
});
