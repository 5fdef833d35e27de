import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { authHeaders } from './api';

export type StreamStatus = 'connecting' | 'live' | 'down';

/**
 * Follows `/api/signals/stream`. fetch rather than EventSource: EventSource cannot send the
 * X-API-Key header. Reconnects with Last-Event-ID (the gateway replays what was missed).
 */
export function followSignalStream(onEvent: (e: EventSourceMessage) => void, onStatus: (s: StreamStatus) => void): () => void {
  let stopped = false;
  let lastId: string | undefined;
  let controller: AbortController | undefined;
  let retryMs = 1000;

  const run = async (): Promise<void> => {
    while (!stopped) {
      controller = new AbortController();
      onStatus('connecting');
      try {
        const res = await fetch('/api/signals/stream', {
          headers: { Accept: 'text/event-stream', ...authHeaders(), ...(lastId ? { 'Last-Event-ID': lastId } : {}) },
          signal: controller.signal,
        });
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        onStatus('live');
        retryMs = 1000;
        const parser = createParser({
          onEvent: (e) => {
            if (e.id) lastId = e.id;
            onEvent(e);
          },
        });
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.feed(value);
        }
      } catch {
        // reported as down below, then retried
      }
      if (stopped) return;
      onStatus('down');
      await new Promise((r) => setTimeout(r, retryMs));
      retryMs = Math.min(retryMs * 2, 15_000);
    }
  };
  void run();
  return () => {
    stopped = true;
    controller?.abort();
  };
}
