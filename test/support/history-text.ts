/**
 * A workflow history as text, every payload decoded: `fetchHistory` gives payload data as base64
 * (or as bytes), so a personal value searched in the history's plain JSON would never be found.
 */
export function historyText(history: unknown): string {
  return JSON.stringify(history, function (this: Record<string, unknown>, key: string, v: unknown) {
    // The value before toJSON: a Buffer's toJSON would turn its bytes into a list of numbers.
    const raw = this[key];
    if (raw instanceof Uint8Array) return Buffer.from(raw).toString('utf8');
    if (key === 'data' && typeof v === 'string') return Buffer.from(v, 'base64').toString('utf8');
    return typeof v === 'bigint' ? String(v) : v;
  });
}
