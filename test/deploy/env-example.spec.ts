import { envExampleSections } from './static-checks';

describe('envExampleSections', () => {
  it('files each variable under every service its header names, commented or not', () => {
    const text = [
      '# [all]  every service',
      '# REDIS_URL=redis://127.0.0.1:6379',
      '# [notifier]',
      '# a comment line, not a variable',
      'TELEGRAM_BOT_TOKEN=',
      '# [notifier, position-closer]  consumer groups',
      '# CLAIM_IDLE_MS=30000',
    ].join('\n');
    const s = envExampleSections(text);
    expect(s.get('all')).toEqual(['REDIS_URL']);
    expect(s.get('notifier')).toEqual(['TELEGRAM_BOT_TOKEN', 'CLAIM_IDLE_MS']);
    expect(s.get('position-closer')).toEqual(['CLAIM_IDLE_MS']);
  });
});
