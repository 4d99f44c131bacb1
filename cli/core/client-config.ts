// Where the hot-path commands send pings and keep their spool: flag, then
// environment, then the config file (`drumbeats login`), then default.
// Resolved once at the entry into a frozen object.

export const DEFAULT_URL = 'http://127.0.0.1:8417';

export interface ClientConfig {
  /** Collector base URL without trailing slash. */
  readonly url: string;
  readonly apiKey: string | null;
  /** Monitor id or slug. */
  readonly monitor: string | null;
  readonly spoolDir: string;
}

export interface ClientFlags {
  url?: string | undefined;
  apiKey?: string | undefined;
  monitor?: string | undefined;
  spoolDir?: string | undefined;
}

/** Values kept in the config file (`drumbeats login` / `config set`). */
export interface StoredSettings {
  url?: string;
  api_key?: string;
}

/** Resolves the client configuration from flags, environment and stored settings; `home` is the user's home directory. */
export function resolveClientConfig(
  flags: ClientFlags,
  env: Readonly<Record<string, string | undefined>>,
  home: string,
  stored: StoredSettings = {},
): { config: ClientConfig } | { error: string } {
  const rawUrl = pick(flags.url, env.DRUMBEATS_URL, stored.url) ?? DEFAULT_URL;
  const url = normaliseUrl(rawUrl);
  if (url === null) return { error: `invalid collector URL "${rawUrl}": use http://host:port or https://host` };
  return {
    config: Object.freeze({
      url,
      apiKey: pick(flags.apiKey, env.DRUMBEATS_API_KEY, stored.api_key) ?? null,
      monitor: pick(flags.monitor, env.DRUMBEATS_MONITOR) ?? null,
      spoolDir: pick(flags.spoolDir, env.DRUMBEATS_SPOOL_DIR) ?? defaultSpoolDir(env, home),
    }),
  };
}

/** The default spool directory: `$XDG_STATE_HOME/drumbeats/spool`, else `~/.local/state/drumbeats/spool`. */
export function defaultSpoolDir(env: Readonly<Record<string, string | undefined>>, home: string): string {
  const state = env.XDG_STATE_HOME;
  // The XDG spec says relative paths are invalid and must be ignored.
  const base = state !== undefined && state.startsWith('/') ? state : `${home.replace(/\/+$/, '')}/.local/state`;
  return `${base}/drumbeats/spool`;
}

function pick(...candidates: Array<string | undefined>): string | undefined {
  return candidates.find((c) => c !== undefined && c !== '');
}

function normaliseUrl(text: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  if (parsed.search !== '' || parsed.hash !== '') return null;
  return `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '');
}
