import { z } from 'zod';

/** Binance sends prices and quantities as decimal strings ("95505.40"): never NaN, never 1e-7. */
export const decimalString = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'expected a non-negative decimal string')
  .transform(Number);

/** Digits after the point once trailing zeros are dropped: "0.10" → 1, "0.0010" → 3, "1" → 0. */
export function decimalsOf(text: string): number {
  const dot = text.indexOf('.');
  if (dot === -1) return 0;
  return text.slice(dot + 1).replace(/0+$/, '').length;
}
