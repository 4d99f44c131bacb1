// The read commands' connection settings: flag > environment > config file >
// default, resolved once at the edge (program.ts) into a frozen object that
// also says where each value came from (`drumbeats status` shows it). Pure.

export const DEFAULT_COLLECTOR_URL = 'http://127.0.0.1:8417';

/** Keys the config file may hold, with what each is for. */
export const CONFIG_KEYS = {
  url: 'collector URL, e.g. https://drumbeats.example.com',
  api_key: 'management API key',
} as const;
export type ConfigKey = keyof typeof CONFIG_KEYS;
export type ConfigValues = Partial<Record<ConfigKey, string>>;

export type SettingSource = 'flag' | 'env' | 'config' | 'default';

export interface Settings {
  readonly url: string;
  readonly apiKey: string | null;
  readonly sources: Readonly<{ url: SettingSource; apiKey: SettingSource | null }>;
}

/** Resolves url and API key; `error` when the chosen URL is not an http(s) URL. */
export function resolveSettings(
  flags: { url?: string | undefined; apiKey?: string | undefined },
  env: Readonly<Record<string, string | undefined>>,
  file: ConfigValues,
): { settings: Settings } | { error: string } {
  const url = pick([
    ['flag', flags.url],
    ['env', env.DRUMBEATS_URL],
    ['config', file.url],
    ['default', DEFAULT_COLLECTOR_URL],
  ])!;
  const apiKey = pick([
    ['flag', flags.apiKey],
    ['env', env.DRUMBEATS_API_KEY],
    ['config', file.api_key],
  ]);
  const normalised = normaliseCollectorUrl(url.value);
  if (normalised === null) {
    return { error: `invalid collector URL "${url.value}" (from ${url.source}): use http://host:port or https://host` };
  }
  return {
    settings: Object.freeze({
      url: normalised,
      apiKey: apiKey?.value ?? null,
      sources: Object.freeze({ url: url.source, apiKey: apiKey?.source ?? null }),
    }),
  };
}

/** "https://host:port/base" without a trailing slash, or null when not an http(s) URL without query. */
export function normaliseCollectorUrl(text: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(text.trim());
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  if (parsed.search !== '' || parsed.hash !== '' || parsed.username !== '' || parsed.password !== '') return null;
  return `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '');
}

/** Validates a value before `config set` stores it; returns the value to store or an error. */
export function checkConfigValue(key: string, value: string): { key: ConfigKey; value: string } | { error: string } {
  if (!(key in CONFIG_KEYS)) return { error: `unknown setting "${key}": one of ${Object.keys(CONFIG_KEYS).join(', ')}` };
  const k = key as ConfigKey;
  if (k === 'url') {
    const url = normaliseCollectorUrl(value);
    return url === null ? { error: `"${value}" is not a collector URL: use http://host:port or https://host` } : { key: k, value: url };
  }
  const trimmed = value.trim();
  if (trimmed === '' || /\s/.test(trimmed)) return { error: 'an API key is one word without spaces' };
  return { key: k, value: trimmed };
}

/** "dbk_abcd…wxyz": enough to recognise a key, not to use it. */
export function maskSecret(secret: string): string {
  if (secret.length <= 10) return '•'.repeat(secret.length);
  return `${secret.slice(0, 4)}…${secret.slice(-4)}`;
}

function pick<S extends SettingSource>(
  candidates: Array<[S, string | undefined]>,
): { source: S; value: string } | undefined {
  for (const [source, value] of candidates) {
    if (value !== undefined && value !== '') return { source, value };
  }
  return undefined;
}
