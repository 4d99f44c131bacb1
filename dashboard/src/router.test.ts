import { expect, test } from 'vitest';
import { href, parseRoute } from './router.ts';

test('a run link round-trips for any run id, "." and ".." included', () => {
  for (const runId of ['.', '..', 'a/b?c#d%20é', 'plain']) {
    const route = { view: 'run', monitorId: 'mon_x', runId } as const;
    expect(parseRoute(href(route))).toEqual(route);
  }
});

test('a malformed escape is the not-found page, not an exception', () => {
  expect(parseRoute('#/monitors/%E0%A4%A')).toEqual({ view: 'not-found', path: '/monitors/%E0%A4%A' });
});

test('the monitor page keeps its range in the link', () => {
  expect(parseRoute(href({ view: 'monitor', monitorId: 'm', range: '7d' }))).toEqual({ view: 'monitor', monitorId: 'm', range: '7d' });
});
