import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

const CHECKSUM_RE = /^([0-9a-fA-F]{64})\s+\*?(\S+)$/;

/**
 * The sha256 a `.CHECKSUM` file publishes for `fileName`. The file is `sha256sum` output
 * (`<hex>  <name>`); a digest published for another name is refused, since it would verify nothing.
 */
export function parseChecksum(text: string, fileName: string): string {
  const m = CHECKSUM_RE.exec(text.trim());
  if (!m) throw new Error(`the checksum file for ${fileName} is not '<sha256>  <file name>' (starts with '${text.slice(0, 40).trim()}')`);
  if (m[2] !== fileName) throw new Error(`the checksum file for ${fileName} names ${m[2]}`);
  return m[1].toLowerCase();
}

/** Hex sha256 of a file, streamed (monthly archives of 1s klines run to hundreds of MB). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}
