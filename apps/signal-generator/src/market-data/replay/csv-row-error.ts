/** A CSV row that cannot become a candle; the message names the file, the line and the problem. */
export class CsvRowError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(`${file}:${line}: ${problem}`);
    this.name = 'CsvRowError';
  }
}
