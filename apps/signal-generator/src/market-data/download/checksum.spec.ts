import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseChecksum, sha256File } from './checksum';

const HEX = 'd5e499855bd07cf098c06c6a8f1a429881ab189528488d75fab1d52cef0152de';

describe('parseChecksum', () => {
  it('reads the sha256sum line data.binance.vision publishes', () => {
    expect(parseChecksum(`${HEX}  AVAXUSDT-1m-2025-02.zip\n`, 'AVAXUSDT-1m-2025-02.zip')).toBe(HEX);
    expect(parseChecksum(`${HEX.toUpperCase()} *AVAXUSDT-1m-2025-02.zip\r\n`, 'AVAXUSDT-1m-2025-02.zip')).toBe(HEX);
  });

  it('refuses a digest for another file, or a body that is not a checksum', () => {
    expect(() => parseChecksum(`${HEX}  AVAXUSDT-1m-2025-03.zip`, 'AVAXUSDT-1m-2025-02.zip')).toThrow('the checksum file for AVAXUSDT-1m-2025-02.zip names AVAXUSDT-1m-2025-03.zip');
    expect(() => parseChecksum('<html>Access Denied</html>', 'X.zip')).toThrow("the checksum file for X.zip is not '<sha256>  <file name>' (starts with '<html>Access Denied</html>')");
    expect(() => parseChecksum(`${HEX.slice(1)}  X.zip`, 'X.zip')).toThrow(/is not '<sha256>/);
  });
});

describe('sha256File', () => {
  it('hashes the file content', async () => {
    const p = join(mkdtempSync(join(tmpdir(), 'sha-')), 'abc.txt');
    writeFileSync(p, 'abc');
    expect(await sha256File(p)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
