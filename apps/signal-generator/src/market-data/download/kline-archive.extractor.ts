import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import yauzl, { Entry, ZipFile } from 'yauzl';
import { KLINE_CSV_HEADER, normalizeKlineLine } from './kline-row.normalizer';

const openZip = promisify<string, yauzl.Options, ZipFile>(yauzl.open);

/** The archive's CSV entry: data.binance.vision zips hold exactly one. */
async function csvEntry(zip: ZipFile, zipPath: string): Promise<Entry> {
  return new Promise((resolve, reject) => {
    zip.on('entry', (entry: Entry) => (entry.fileName.toLowerCase().endsWith('.csv') ? resolve(entry) : zip.readEntry()));
    zip.on('end', () => reject(new Error(`${zipPath} holds no .csv file`)));
    zip.on('error', reject);
    zip.readEntry();
  });
}

/**
 * Streams the kline CSV out of a downloaded archive into `csvPath` in the replay's layout (one
 * header, millisecond timestamps), through a `.part` file renamed at the end so a crash never
 * leaves a half CSV that looks finished. Returns the number of candle rows written.
 */
export async function extractKlineCsv(zipPath: string, csvPath: string): Promise<number> {
  const zip = await openZip(zipPath, { lazyEntries: true, autoClose: true });
  const part = `${csvPath}.part`;
  const out = createWriteStream(part);
  let rows = 0;
  let lineNo = 0;
  try {
    const entry = await csvEntry(zip, zipPath);
    const input = await promisify<Entry, Readable>(zip.openReadStream.bind(zip))(entry);
    const write = async (text: string) => {
      if (!out.write(text)) await once(out, 'drain');
    };
    await write(`${KLINE_CSV_HEADER}\n`);
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      lineNo++;
      let row: string | undefined;
      try {
        row = normalizeKlineLine(line);
      } catch (err) {
        throw new Error(`${zipPath}: ${entry.fileName}:${lineNo}: ${(err as Error).message}`);
      }
      if (row === undefined) continue;
      await write(`${row}\n`);
      rows++;
    }
    out.end();
    await once(out, 'finish');
    await rename(part, csvPath);
    return rows;
  } catch (err) {
    out.destroy();
    await rm(part, { force: true });
    throw err;
  } finally {
    zip.close();
  }
}
