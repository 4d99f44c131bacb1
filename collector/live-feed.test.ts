import { expect, test } from 'vitest';
import { LiveFeed } from './live-feed.ts';

function listener() {
  const calls = { wake: 0, end: 0 };
  return { calls, wake: () => void calls.wake++, end: () => void calls.end++ };
}

test('notify wakes every listener; an unsubscribed one no more', () => {
  const feed = new LiveFeed({ pollMs: 0 });
  const a = listener();
  const b = listener();
  feed.notify(); // nobody listens: nothing happens
  const offA = feed.subscribe(a);
  feed.subscribe(b);
  feed.notify();
  offA();
  feed.notify();
  expect([a.calls.wake, b.calls.wake]).toEqual([1, 2]);
  expect(feed.size).toBe(1);
});

test('close ends every listener and refuses new ones', () => {
  const feed = new LiveFeed({ pollMs: 0 });
  const a = listener();
  feed.subscribe(a);
  feed.close();
  expect(a.calls).toEqual({ wake: 0, end: 1 });
  const late = listener();
  feed.subscribe(late);
  expect(late.calls.end).toBe(1);
  expect(feed.size).toBe(0);
});

test('while someone listens, the poll wakes listeners without a notify (writes by another collector)', async () => {
  const feed = new LiveFeed({ pollMs: 5 });
  const a = listener();
  const off = feed.subscribe(a);
  await new Promise((resolve) => setTimeout(resolve, 40));
  off();
  const woken = a.calls.wake;
  expect(woken).toBeGreaterThan(0);
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(a.calls.wake).toBe(woken); // the poll stopped with the last listener
});
