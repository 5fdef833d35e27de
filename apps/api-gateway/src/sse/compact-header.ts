import type { ServerResponse } from 'node:http';

/**
 * Node builds a response's header block by appending each header to a string and keeps that
 * string (`_header`) for the whole response: for a stream open for hours, a rope of ~70 pieces,
 * about 2.3 KB per SSE connection where the same text flat takes 0.7 KB (heap snapshots of the
 * gateway at 3,000 connections). Reading one character makes V8 flatten the rope in place;
 * nothing else changes. On a Node without `_header` this does nothing.
 */
export function compactHeaderBlock(res: ServerResponse): void {
  const header: unknown = (res as { _header?: unknown })._header;
  if (typeof header === 'string') header.charCodeAt(0);
}
