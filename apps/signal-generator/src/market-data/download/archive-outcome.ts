import type { ArchiveRef } from './archive-plan';

/** What became of one archive. */
export type ArchiveOutcome =
  /** Downloaded (or resumed), checksum verified, CSV written. */
  | { kind: 'downloaded'; ref: ArchiveRef; csv: string; bytes: number; resumedFrom: number; rows: number }
  /** Already on disk and matching its stored checksum: nothing was requested. */
  | { kind: 'present'; ref: ArchiveRef; csv: string }
  /** The server has no such archive (404): not listed yet, or not published yet. */
  | { kind: 'missing'; ref: ArchiveRef; url: string }
  /** Refused (checksum mismatch) or failed after the retries; nothing of it is kept but a resumable part. */
  | { kind: 'failed'; ref: ArchiveRef; message: string };

function size(bytes: number): string {
  return bytes >= 1_048_576 ? `${(bytes / 1_048_576).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** One line per archive for the user: what happened and where the CSV is. */
export function describeOutcome(o: ArchiveOutcome, name: string): string {
  switch (o.kind) {
    case 'downloaded': {
      const resumed = o.resumedFrom > 0 ? `, resumed at ${size(o.resumedFrom)}` : '';
      return `${name}: downloaded ${size(o.bytes)}${resumed}, checksum ok, ${o.rows} candles -> ${o.csv}`;
    }
    case 'present':
      return `${name}: already downloaded and verified -> ${o.csv}`;
    case 'missing':
      return `${name}: not on the server (404 ${o.url}); the symbol may not have traded then, or the file is not published yet`;
    case 'failed':
      return `${name}: FAILED: ${o.message}`;
  }
}
