import { describe, expect, test } from 'vitest';
import { decodePingRecord, encodePingRecord, parseSpoolFileName, pingPath, planSpoolDelivery, runKeyOf, spoolFileName, type PingRecord } from './ping-record.ts';

const base: PingRecord = {
  v: 1,
  url: 'http://127.0.0.1:8417',
  monitor: 'mon_AAAAAAAAAAAAAAAAAAAAAA',
  action: 'failure',
  query: { run_id: 'R1', ping_id: 'p_abc', exit_code: '3', duration_ms: '1500', sent_at: '2025-01-01T00:00:00.000Z' },
  body: '[out] hi\n',
  createdMs: 1_735_689_600_000,
  seq: 2,
};

describe('pingPath', () => {
  test.for<[string, PingRecord, boolean, string]>([
    ['terminal ping', base, false, '/v1/ping/mon_AAAAAAAAAAAAAAAAAAAAAA/failure?run_id=R1&ping_id=p_abc&exit_code=3&duration_ms=1500&sent_at=2025-01-01T00%3A00%3A00.000Z'],
    ['replay adds late=1', { ...base, action: 'start', query: { run_id: 'R1', ping_id: 'p' } }, true, '/v1/ping/mon_AAAAAAAAAAAAAAAAAAAAAA/start?run_id=R1&ping_id=p&late=1'],
    ['message encoding', { ...base, action: 'log', query: { run_id: 'R', message: '50% done & next=step #2 + a/b?c é' } }, false,
      '/v1/ping/mon_AAAAAAAAAAAAAAAAAAAAAA/log?run_id=R&message=50%25%20done%20%26%20next%3Dstep%20%232%20%2B%20a%2Fb%3Fc%20%C3%A9'],
    ['signal and reason', { ...base, query: { run_id: 'R', reason: 'signal', signal: 'SIGTERM' } }, false, '/v1/ping/mon_AAAAAAAAAAAAAAAAAAAAAA/failure?run_id=R&reason=signal&signal=SIGTERM'],
  ])('%s', ([, record, late, expected]) => {
    expect(pingPath(record.monitor, record, late)).toBe(expected);
  });
});

describe('spool file names', () => {
  test('round trip and run key', () => {
    const name = spoolFileName(base);
    expect(name).toBe(`001735689600000-00000002-${runKeyOf(base.url, base.monitor, 'R1')}-p_abc.json`);
    expect(parseSpoolFileName(name)).toEqual({ runKey: runKeyOf(base.url, base.monitor, 'R1'), sortKey: '001735689600000-00000002' });
  });

  test('run keys differ by collector, monitor and run', () => {
    const keys = new Set([runKeyOf('a', 'm', 'r'), runKeyOf('b', 'm', 'r'), runKeyOf('a', 'n', 'r'), runKeyOf('a', 'm', 's')]);
    expect(keys.size).toBe(4);
    expect(runKeyOf('a', 'm', 'r')).toMatch(/^[0-9a-f]{16}$/);
  });

  test.for(['.tmp-123-abc', 'x.lock', '001735689600000-00000002-zz-p.json', 'README'])('ignores %s', (name) => {
    expect(parseSpoolFileName(name)).toBeNull();
  });

  test('plans delivery per run in send order, oldest run first', () => {
    const r1 = runKeyOf('u', 'm', 'R1');
    const r2 = runKeyOf('u', 'm', 'R2');
    const names = [
      `000000000000020-00000001-${r1}-c.json`,
      `000000000000010-00000002-${r2}-b.json`,
      `000000000000020-00000000-${r1}-a.json`,
      `000000000000005-00000001-${r2}-a.json`,
      '.tmp-1',
      `000000000000030-00000009-${r1}-d.json`,
    ];
    expect(planSpoolDelivery(names)).toEqual([
      [`000000000000005-00000001-${r2}-a.json`, `000000000000010-00000002-${r2}-b.json`],
      [`000000000000020-00000000-${r1}-a.json`, `000000000000020-00000001-${r1}-c.json`, `000000000000030-00000009-${r1}-d.json`],
    ]);
  });
});

describe('spool records', () => {
  test('round trip', () => {
    expect(decodePingRecord(encodePingRecord(base))).toEqual(base);
  });
  test.for(['', 'not json', '{}', '{"v":2}', JSON.stringify({ ...base, action: 'stop' }), JSON.stringify({ ...base, query: { run_id: 3 } }), JSON.stringify({ ...base, body: 7 })])(
    'refuses %s',
    (text) => {
      expect(decodePingRecord(text)).toBeNull();
    },
  );
});
