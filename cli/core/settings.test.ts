import { describe, expect, test } from 'vitest';
import { checkConfigValue, maskSecret, normaliseCollectorUrl, resolveSettings } from './settings.ts';

describe('resolveSettings: flag > env > config > default', () => {
  const file = { url: 'http://config:1', api_key: 'config-key' };
  const env = { DRUMBEATS_URL: 'http://env:2', DRUMBEATS_API_KEY: 'env-key' };
  const flags = { url: 'http://flag:3/', apiKey: 'flag-key' };
  test.each([
    ['flags win', flags, env, file, 'http://flag:3', 'flag-key', 'flag', 'flag'],
    ['env over config', {}, env, file, 'http://env:2', 'env-key', 'env', 'env'],
    ['config over default', {}, {}, file, 'http://config:1', 'config-key', 'config', 'config'],
    ['defaults', {}, {}, {}, 'http://127.0.0.1:8417', null, 'default', null],
    ['empty env values are unset', {}, { DRUMBEATS_URL: '', DRUMBEATS_API_KEY: '' }, file, 'http://config:1', 'config-key', 'config', 'config'],
    ['mixed sources', { apiKey: 'flag-key' }, { DRUMBEATS_URL: 'http://env:2' }, file, 'http://env:2', 'flag-key', 'env', 'flag'],
  ])('%s', (_name, f, e, c, url, apiKey, urlSource, keySource) => {
    const result = resolveSettings(f, e, c);
    expect(result).toEqual({ settings: { url, apiKey, sources: { url: urlSource, apiKey: keySource } } });
    if ('settings' in result) expect(Object.isFrozen(result.settings)).toBe(true);
  });

  test('a bad URL names where it came from', () => {
    expect(resolveSettings({}, {}, { url: 'ftp://x' })).toEqual({
      error: 'invalid collector URL "ftp://x" (from config): use http://host:port or https://host',
    });
  });
});

test.each([
  ['http://127.0.0.1:8417', 'http://127.0.0.1:8417'],
  ['https://drumbeats.example.com/', 'https://drumbeats.example.com'],
  ['https://example.com/drumbeats//', 'https://example.com/drumbeats'],
  [' http://h:1 ', 'http://h:1'],
  ['ftp://h', null],
  ['http://h/?x=1', null],
  ['http://user:pw@h', null],
  ['not a url', null],
])('normaliseCollectorUrl(%j) = %j', (text, expected) => {
  expect(normaliseCollectorUrl(text)).toBe(expected);
});

test.each([
  ['url', 'https://h/', { key: 'url', value: 'https://h' }],
  ['url', 'h:80', { error: '"h:80" is not a collector URL: use http://host:port or https://host' }],
  ['api_key', ' dbk_123 ', { key: 'api_key', value: 'dbk_123' }],
  ['api_key', 'two words', { error: 'an API key is one word without spaces' }],
  ['colour', 'red', { error: 'unknown setting "colour": one of url, api_key' }],
])('checkConfigValue(%j, %j)', (key, value, expected) => {
  expect(checkConfigValue(key, value)).toEqual(expected);
});

test.each([
  ['dbk_0123456789abcdef', 'dbk_…cdef'],
  ['short', '•••••'],
])('maskSecret(%j)', (secret, expected) => {
  expect(maskSecret(secret)).toBe(expected);
});
