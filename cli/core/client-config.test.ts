import { describe, expect, test } from 'vitest';
import { resolveClientConfig, type ClientFlags } from './client-config.ts';

describe('resolveClientConfig', () => {
  test.for<[string, ClientFlags, Record<string, string>, object]>([
    ['defaults', {}, {}, { url: 'http://127.0.0.1:8417', apiKey: null, monitor: null, spoolDir: '/home/u/.local/state/drumbeats/spool' }],
    ['env', {}, { DRUMBEATS_URL: 'https://mon.example.com/', DRUMBEATS_API_KEY: 'k', DRUMBEATS_MONITOR: 'backup', DRUMBEATS_SPOOL_DIR: '/var/spool/db' },
      { url: 'https://mon.example.com', apiKey: 'k', monitor: 'backup', spoolDir: '/var/spool/db' }],
    ['flags win over env', { url: 'http://10.0.0.1:9000', monitor: 'nightly', apiKey: 'f' }, { DRUMBEATS_URL: 'http://x', DRUMBEATS_MONITOR: 'backup', DRUMBEATS_API_KEY: 'k' },
      { url: 'http://10.0.0.1:9000', apiKey: 'f', monitor: 'nightly' }],
    ['empty env is unset', {}, { DRUMBEATS_URL: '', DRUMBEATS_MONITOR: '' }, { url: 'http://127.0.0.1:8417', monitor: null }],
    ['path prefix kept', { url: 'https://host/drumbeats//' }, {}, { url: 'https://host/drumbeats' }],
    ['XDG_STATE_HOME', {}, { XDG_STATE_HOME: '/state' }, { spoolDir: '/state/drumbeats/spool' }],
    ['relative XDG_STATE_HOME ignored', {}, { XDG_STATE_HOME: 'state' }, { spoolDir: '/home/u/.local/state/drumbeats/spool' }],
  ])('%s', ([, flags, env, expected]) => {
    const result = resolveClientConfig(flags, env, '/home/u');
    expect(result).toHaveProperty('config');
    if ('config' in result) {
      expect(result.config).toMatchObject(expected);
      expect(Object.isFrozen(result.config)).toBe(true);
    }
  });

  test.for<[string, ClientFlags, Record<string, string>, object]>([
    ['config file below env', {}, { DRUMBEATS_API_KEY: 'envkey' }, { url: 'https://stored.example.com', apiKey: 'envkey' }],
    ['flags above config file', { url: 'http://flag:1' }, {}, { url: 'http://flag:1', apiKey: 'storedkey' }],
  ])('%s', ([, flags, env, expected]) => {
    const result = resolveClientConfig(flags, env, '/home/u', { url: 'https://stored.example.com', api_key: 'storedkey' });
    expect('config' in result && result.config).toMatchObject(expected);
  });

  test.for(['ftp://host', 'not a url', 'http://host/?q=1', 'localhost:8417'])('refuses URL %s', (url) => {
    expect(resolveClientConfig({ url }, {}, '/home/u')).toHaveProperty('error');
  });
});
