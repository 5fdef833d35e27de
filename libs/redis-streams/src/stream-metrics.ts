import { counter } from '@app/observability';

export const malformedEntries = counter({
  name: 'stream_malformed_entries_total',
  help: 'Stream entries that failed to decode or validate; counted, logged and skipped',
  labelNames: ['stream', 'reader'] as const,
});

export const handlerErrors = counter({
  name: 'stream_handler_errors_total',
  help: 'Entries whose handler threw (left pending for a retry in a consumer group)',
  labelNames: ['stream', 'reader'] as const,
});

export const entriesHandled = counter({
  name: 'stream_entries_handled_total',
  help: 'Entries handled successfully',
  labelNames: ['stream', 'reader'] as const,
});

export const deadLettered = counter({
  name: 'stream_dead_lettered_total',
  help: 'Entries moved to <stream>:dead after too many failed deliveries',
  labelNames: ['stream', 'group'] as const,
});

export const readErrors = counter({
  name: 'stream_read_errors_total',
  help: 'Failed XREAD/XREADGROUP calls (Redis unreachable); the loop reconnects and resumes',
  labelNames: ['stream', 'reader'] as const,
});
