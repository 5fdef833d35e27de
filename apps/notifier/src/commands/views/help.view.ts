/** `/help` (and `/start`): every command, one line each. */
export const HELP_TEXT = [
  '🤖 <b>Commands</b>',
  '/status: the kill switch, signals and the gateway',
  '/signals: the active signals, as ATAS gets them',
  '/positions: open positions with their R at the last close',
  '/performance: win rate and R after costs, by strategy and symbol',
  '/pause: stop serving signals (no new entries)',
  '/resume: serve new signals again',
  '/flatten: pause, and ATAS closes every position (asks to confirm)',
  '/close &lt;id&gt;: close one position at the last price (asks to confirm)',
  '/help: this list',
].join('\n');

/** The menu Telegram shows when typing `/` (setMyCommands). */
export const COMMAND_MENU = [
  { command: 'status', description: 'Kill switch, signals, gateway' },
  { command: 'signals', description: 'Active signals' },
  { command: 'positions', description: 'Open positions' },
  { command: 'performance', description: 'Results after costs' },
  { command: 'pause', description: 'Stop serving signals' },
  { command: 'resume', description: 'Serve signals again' },
  { command: 'flatten', description: 'Pause and close everything' },
  { command: 'close', description: 'Close one position: /close <id>' },
  { command: 'help', description: 'All commands' },
];
