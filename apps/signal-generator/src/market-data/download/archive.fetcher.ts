import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { archiveName, archivePath, archiveUrl, ArchiveRef } from './archive-plan';
import type { ArchiveOutcome } from './archive-outcome';
import { parseChecksum, sha256File } from './checksum';
import { downloadResumable, fetchText, HttpStatusError, isTransient } from './http-download';
import { extractKlineCsv } from './kline-archive.extractor';
import { withRetry } from './retry';

export interface FetchContext {
  /** data.binance.vision or a mirror of its layout, without a trailing slash. */
  baseUrl: string;
  /** Archives go to `<outDir>/archives/<server path>`, CSVs to `<outDir>/<market>/<name>.csv`. */
  outDir: string;
  /** Retries of each request after a transient failure. */
  retries: number;
  retryBaseMs?: number;
  onProgress?: (ref: ArchiveRef, received: number, total: number | undefined) => void;
  onRetry?: (ref: ArchiveRef, message: string) => void;
}

/** Where one archive and its products live on disk. */
export function localPaths(ref: ArchiveRef, outDir: string) {
  const zip = join(outDir, 'archives', archivePath(ref));
  return { zip, checksum: `${zip}.CHECKSUM`, part: `${zip}.part`, csv: join(outDir, ref.market, `${archiveName(ref)}.csv`) };
}

/** An error's message with its cause (fetch reports "fetch failed", the reason sits in `cause`). */
export function errorMessage(err: unknown): string {
  const e = err as Error & { cause?: unknown };
  const cause = e.cause instanceof Error ? `: ${e.cause.message}` : '';
  return `${e.message ?? String(err)}${cause}`;
}

async function matches(path: string, sha256: string): Promise<boolean> {
  return existsSync(path) && (await sha256File(path)) === sha256;
}

/**
 * Makes one archive's CSV available: from disk when the archive is there and still matches the
 * checksum stored beside it (no request at all), else downloaded (resuming a part left by an
 * earlier run), verified against the published sha256, and extracted. An archive that fails its
 * checksum is deleted, never extracted.
 */
export async function fetchArchive(ref: ArchiveRef, ctx: FetchContext): Promise<ArchiveOutcome> {
  const paths = localPaths(ref, ctx.outDir);
  const zipName = `${archiveName(ref)}.zip`;
  const url = archiveUrl(ctx.baseUrl, ref);
  const retry = { retries: ctx.retries, baseMs: ctx.retryBaseMs, isRetryable: isTransient, onRetry: (err: unknown, n: number) => ctx.onRetry?.(ref, `retry ${n}/${ctx.retries} after: ${errorMessage(err)}`) };
  try {
    if (existsSync(paths.checksum) && (await matches(paths.zip, parseChecksum(await readFile(paths.checksum, 'utf8'), zipName)))) {
      if (!existsSync(paths.csv)) await extractKlineCsv(paths.zip, paths.csv);
      return { kind: 'present', ref, csv: paths.csv };
    }
    const checksumText = await withRetry(() => fetchText(`${url}.CHECKSUM`), retry);
    const expected = parseChecksum(checksumText, zipName);
    await mkdir(dirname(paths.zip), { recursive: true });
    await mkdir(dirname(paths.csv), { recursive: true });
    // A part that is already whole (the last run stopped after the download) needs no request.
    const done = (await matches(paths.part, expected)) ? undefined : await withRetry(
      () => downloadResumable(url, paths.part, { onProgress: (received, total) => ctx.onProgress?.(ref, received, total) }),
      retry,
    );
    const actual = await sha256File(paths.part);
    if (actual !== expected) {
      await rm(paths.part, { force: true });
      return { kind: 'failed', ref, message: `checksum mismatch: ${zipName} hashes to ${actual}, the published sha256 is ${expected}; the file was deleted` };
    }
    const bytes = (await stat(paths.part)).size;
    await rename(paths.part, paths.zip);
    await writeFile(paths.checksum, checksumText);
    const rows = await extractKlineCsv(paths.zip, paths.csv);
    return { kind: 'downloaded', ref, csv: paths.csv, bytes, resumedFrom: done?.resumedFrom ?? 0, rows };
  } catch (err) {
    if (err instanceof HttpStatusError && err.status === 404) return { kind: 'missing', ref, url };
    return { kind: 'failed', ref, message: errorMessage(err) };
  }
}
