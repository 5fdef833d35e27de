/** The contract's error body. Every error the gateway sends, whatever layer produced it, is this. */
export function errorBody(message: string): string {
  return JSON.stringify({ status: 'error', message });
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
