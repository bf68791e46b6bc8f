import type { ApiContext } from '../../local/api/operation.js';
import { openDatabase } from '../../local/store/database.js';

/** An ApiContext on a fresh in-memory database with a controllable clock. */
export function memoryApiContext(
  services: Record<string, unknown> = {},
): ApiContext & { advance(ms: number): void } {
  let now = Date.UTC(2025, 0, 1, 12, 0, 0);
  return {
    region: 'us-east-1',
    accountId: '000000000000',
    db: openDatabase(':memory:'),
    baseUrl: 'http://127.0.0.1:4566',
    now: () => new Date(now),
    services,
    advance(ms: number) {
      now += ms;
    },
  };
}

/** The ServiceError type a call throws (sync or async), or 'none'. */
export async function errorType(fn: () => unknown): Promise<string> {
  try {
    await fn();
    return 'none';
  } catch (e) {
    return (e as { type?: string }).type ?? String(e);
  }
}
