// `drumbeats login` and `drumbeats config get|set|unset|list|path`: the
// collector URL and API key kept with conf in the user's config dir, in a
// file only the user can read (0600).

import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { makeDirs } from '../../shared/make-dirs.ts';
import type { MonitorJson } from '../../shared/protocol.ts';
import { callApi } from '../api-client.ts';
import { CONFIG_FILE_NAME, configDir, configFilePath, readConfigFile } from '../config-file.ts';
import { CONFIG_KEYS, checkConfigValue, maskSecret, resolveSettings, type ConfigKey } from '../core/settings.ts';
import { CliError, EXIT } from '../errors.ts';

type Store = { get(key: string): unknown; set(key: string, value: unknown): void; delete(key: string): void };

async function openConf(env: NodeJS.ProcessEnv): Promise<Store> {
  const { default: Conf } = await import('conf');
  try {
    makeDirs(configDir(env), 0o700); // before conf: its own recursive mkdir can spin forever (shared/make-dirs.ts)
    return new Conf<Record<string, string>>({
      cwd: configDir(env),
      configName: CONFIG_FILE_NAME,
      // The file holds the API key: readable by its owner alone.
      configFileMode: 0o600,
      projectSuffix: '',
    });
  } catch (error) {
    throw new CliError(`cannot open ${configFilePath(env)}: ${(error as Error).message}`);
  }
}

/** Prints one setting's stored value (the API key in full: that is what `get` is for). */
export async function configGet(key: string, opts: { json?: boolean }, env: NodeJS.ProcessEnv): Promise<void> {
  const k = knownKey(key);
  const value = readConfigFile(env)[k] ?? null;
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ key: k, value })}\n`);
    return;
  }
  if (value === null) throw new CliError(`${k} is not set in ${configFilePath(env)}`, EXIT.notFound);
  process.stdout.write(`${value}\n`);
}

/** Validates and stores one setting. */
export async function configSet(key: string, value: string, env: NodeJS.ProcessEnv): Promise<void> {
  const checked = checkConfigValue(key, value);
  if ('error' in checked) throw new CliError(checked.error, EXIT.usage);
  const conf = await openConf(env);
  conf.set(checked.key, checked.value);
  process.stdout.write(`${checked.key} saved in ${configFilePath(env)}\n`);
}

/** Removes one setting. */
export async function configUnset(key: string, env: NodeJS.ProcessEnv): Promise<void> {
  const k = knownKey(key);
  const conf = await openConf(env);
  conf.delete(k);
  process.stdout.write(`${k} removed from ${configFilePath(env)}\n`);
}

/** Lists the stored settings and what each resolves to now (flag > env > config > default). */
export async function configList(flags: { url?: string; apiKey?: string }, opts: { json?: boolean }, env: NodeJS.ProcessEnv): Promise<void> {
  const file = readConfigFile(env);
  const resolved = resolveSettings(flags, env, file);
  const settings = 'settings' in resolved ? resolved.settings : null;
  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify({
        file: configFilePath(env),
        // Masked as in the text output: `config get api_key` is the one way to print the key.
        stored: { url: file.url ?? null, api_key: file.api_key === undefined ? null : maskSecret(file.api_key) },
        effective: settings && {
          url: settings.url,
          url_source: settings.sources.url,
          api_key_set: settings.apiKey !== null,
          api_key_source: settings.sources.apiKey,
        },
      })}\n`,
    );
    return;
  }
  const lines = [`# ${configFilePath(env)}`];
  for (const key of Object.keys(CONFIG_KEYS) as ConfigKey[]) {
    const stored = file[key];
    const shown = stored === undefined ? '(not set)' : key === 'api_key' ? maskSecret(stored) : stored;
    lines.push(`${key.padEnd(8)} ${shown}`);
  }
  if (settings) {
    lines.push('', '# in effect now (flag > env > config > default)');
    lines.push(`${'url'.padEnd(8)} ${settings.url}  (${settings.sources.url})`);
    lines.push(`${'api_key'.padEnd(8)} ${settings.apiKey === null ? '(none)' : `${maskSecret(settings.apiKey)}  (${settings.sources.apiKey})`}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Prints where the config file is. */
export function configPath(env: NodeJS.ProcessEnv): void {
  process.stdout.write(`${configFilePath(env)}\n`);
}

/**
 * Saves a collector URL and API key after checking them against the collector.
 * Missing values are asked for on a terminal; the key can come on stdin
 * (`--api-key-stdin`) so it stays out of the shell history.
 */
export async function login(
  flags: { url?: string; apiKey?: string; apiKeyStdin?: boolean; verify: boolean },
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const file = readConfigFile(env);
  const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true;
  let url = flags.url;
  let apiKey = flags.apiKey;
  if (flags.apiKeyStdin) apiKey = (await readStdin()).trim();
  if (url === undefined && interactive) {
    const current = env.DRUMBEATS_URL || file.url || 'http://127.0.0.1:8417';
    url = (await ask(`Collector URL [${current}]: `, false)) || current;
  }
  if (apiKey === undefined && interactive) apiKey = await ask('API key (input hidden): ', true);
  if (apiKey === undefined || apiKey === '') {
    throw new CliError('no API key given: pass --api-key KEY, or --api-key-stdin to read it from stdin', EXIT.usage);
  }
  const urlValue = url ?? file.url ?? env.DRUMBEATS_URL ?? 'http://127.0.0.1:8417';
  const checkedUrl = checkConfigValue('url', urlValue);
  if ('error' in checkedUrl) throw new CliError(checkedUrl.error, EXIT.usage);
  const checkedKey = checkConfigValue('api_key', apiKey);
  if ('error' in checkedKey) throw new CliError(checkedKey.error, EXIT.usage);

  let monitors: MonitorJson[] | null = null;
  if (flags.verify) {
    ({ monitors } = await callApi<{ monitors: MonitorJson[] }>({ url: checkedUrl.value, apiKey: checkedKey.value }, 'GET', '/v1/monitors'));
  }
  const conf = await openConf(env);
  conf.set('url', checkedUrl.value);
  conf.set('api_key', checkedKey.value);
  const seen = monitors === null ? 'not checked (--no-verify)' : `key accepted, ${monitors.length} monitor${monitors.length === 1 ? '' : 's'}`;
  process.stdout.write(`Logged in to ${checkedUrl.value}: ${seen}.\nSaved in ${configFilePath(env)} (readable by you only).\n`);
}

function knownKey(key: string): ConfigKey {
  if (!(key in CONFIG_KEYS)) throw new CliError(`unknown setting "${key}": one of ${Object.keys(CONFIG_KEYS).join(', ')}`, EXIT.usage);
  return key as ConfigKey;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

// Asks on stderr (stdout stays clean); `hidden` echoes nothing while typing.
async function ask(question: string, hidden: boolean): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stderr.write(chunk as Buffer);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  const pending = rl.question(question);
  muted = hidden;
  try {
    return (await pending).trim();
  } finally {
    rl.close();
    if (hidden) process.stderr.write('\n');
  }
}
