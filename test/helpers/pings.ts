// A ping as the store receives it, for tests that drive a Store directly.

import type { ParsedPing } from '../../collector/core/ping-request.ts';
import type { IncomingPing, Monitor } from '../../collector/store/store.ts';

let counter = 0;

/** An IncomingPing with a fresh ping id and no optional facts; `extra` overrides any field. */
export function incomingPing(
  monitor: Pick<Monitor, 'id'>,
  kind: ParsedPing['kind'],
  runId: string,
  extra: Partial<IncomingPing> = {},
): IncomingPing {
  return {
    kind,
    monitorId: monitor.id,
    runId,
    pingId: `test-ping-${++counter}`,
    message: null,
    exitCode: null,
    durationMs: null,
    sentAt: null,
    late: false,
    reason: null,
    signal: null,
    payload: null,
    payloadSize: extra.payload ? Buffer.byteLength(extra.payload) : 0,
    truncated: false,
    contentType: null,
    ...extra,
  };
}
