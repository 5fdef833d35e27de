import { open, rm, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';

/** A non-2xx answer; `status` tells whether trying again can help. */
export class HttpStatusError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
  ) {
    super(`HTTP ${status} for ${url}`);
    this.name = 'HttpStatusError';
  }
}

/** Local problems that no retry fixes: a full disk, no permission. */
const LOCAL_ERRORS = new Set(['ENOSPC', 'EACCES', 'EPERM', 'EROFS', 'EISDIR', 'ENOTDIR', 'EDQUOT']);

/**
 * Worth trying again: a dropped connection, a stall, a 5xx, 408 or 429. A 404 (no such archive)
 * and local file-system errors are not.
 */
export function isTransient(err: unknown): boolean {
  if (err instanceof HttpStatusError) return err.status >= 500 || err.status === 408 || err.status === 429;
  return !LOCAL_ERRORS.has((err as NodeJS.ErrnoException).code ?? '');
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/** GETs a small text body (a `.CHECKSUM`), failing on a non-2xx or after `timeoutMs`. */
export async function fetchText(url: string, timeoutMs = 30_000): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) {
    await res.body?.cancel();
    throw new HttpStatusError(url, res.status);
  }
  return res.text();
}

export interface DownloadOptions {
  /** Give up on a response that sends nothing for this long (then the retry resumes it). Default 30 s. */
  idleTimeoutMs?: number;
  /** Bytes on disk so far (resumed bytes included) and the full size when the server says it. */
  onProgress?: (received: number, total: number | undefined) => void;
}

export interface DownloadResult {
  /** Bytes that were already in the part file and kept (0: a fresh download). */
  resumedFrom: number;
  /** Size of the part file at the end. */
  bytes: number;
}

/**
 * Downloads `url` into `partPath`, resuming what an earlier attempt left there with an HTTP Range
 * request. A server that ignores the Range (200) gets the file rewritten from the start; one that
 * answers 416 or resumes at another offset gets the part deleted and an error, so the next attempt
 * starts clean. Checking the content is the caller's job (the published checksum).
 */
export async function downloadResumable(url: string, partPath: string, opts: DownloadOptions = {}): Promise<DownloadResult> {
  const idleMs = opts.idleTimeoutMs ?? 30_000;
  const have = await fileSize(partPath);
  const abort = new AbortController();
  let timer = setTimeout(() => abort.abort(), idleMs);
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => abort.abort(), idleMs);
  };
  try {
    const res = await fetch(url, { headers: have > 0 ? { range: `bytes=${have}-` } : {}, signal: abort.signal });
    if (have > 0 && (res.status === 416 || (res.status === 206 && contentRangeStart(res) !== have))) {
      await res.body?.cancel();
      await rm(partPath, { force: true });
      throw new Error(`the server would not resume ${url} at byte ${have}; starting over`);
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      throw new HttpStatusError(url, res.status);
    }
    const resumedFrom = res.status === 206 ? have : 0;
    const length = Number(res.headers.get('content-length') ?? NaN);
    const total = Number.isFinite(length) ? resumedFrom + length : undefined;
    let received = resumedFrom;
    // Each chunk is on disk before the next is read, so a cut connection leaves a part file that
    // holds exactly what arrived, and the next attempt resumes from there.
    const file = await open(partPath, resumedFrom > 0 ? 'a' : 'w');
    try {
      for await (const chunk of Readable.fromWeb(res.body) as AsyncIterable<Buffer>) {
        await file.write(chunk);
        received += chunk.length;
        touch();
        opts.onProgress?.(received, total);
      }
    } finally {
      await file.close();
    }
    if (total !== undefined && received !== total) throw new Error(`the connection closed after ${received} of ${total} bytes`);
    return { resumedFrom, bytes: received };
  } catch (err) {
    if (abort.signal.aborted) throw new Error(`no data for ${idleMs / 1000} s from ${url}`);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

function contentRangeStart(res: Response): number | undefined {
  const m = /^bytes (\d+)-/.exec(res.headers.get('content-range') ?? '');
  return m ? Number(m[1]) : undefined;
}
