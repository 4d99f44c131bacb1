// Where the user's settings live and how they are read. Writing goes through
// conf (commands/config.ts); reading is a plain JSON read so that resolving
// settings costs nothing and does not load conf. The file is conf's own format:
// one JSON object, mode 0600 because it holds the API key.

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_KEYS, type ConfigValues } from './core/settings.ts';
import { CliError, EXIT } from './errors.ts';

export const CONFIG_FILE_NAME = 'config';

/** `$DRUMBEATS_CONFIG_DIR`, else `$XDG_CONFIG_HOME/drumbeats`, else `~/.config/drumbeats` (`%APPDATA%\drumbeats` on Windows). */
export function configDir(env: NodeJS.ProcessEnv): string {
  if (env.DRUMBEATS_CONFIG_DIR) return env.DRUMBEATS_CONFIG_DIR;
  if (process.platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'drumbeats');
  const xdg = env.XDG_CONFIG_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.config'), 'drumbeats');
}

/** The settings file: `<configDir>/config.json`. */
export function configFilePath(env: NodeJS.ProcessEnv): string {
  return join(configDir(env), `${CONFIG_FILE_NAME}.json`);
}

/** The stored settings ({} when there is no file); unknown keys are ignored. */
export function readConfigFile(env: NodeJS.ProcessEnv): ConfigValues {
  const file = configFilePath(env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}): check its permissions`);
  }
  let parsed: unknown;
  try {
    parsed = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new CliError(`${file} is not valid JSON: fix it, or remove it and run \`drumbeats login\` again`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new CliError(`${file} must hold a JSON object: remove it and run \`drumbeats login\` again`, EXIT.failure);
  }
  const values: ConfigValues = {};
  for (const key of Object.keys(CONFIG_KEYS) as Array<keyof typeof CONFIG_KEYS>) {
    const value = (parsed as Record<string, unknown>)[key];
    if (typeof value === 'string') values[key] = value;
  }
  return values;
}

/** The stored settings for the hot-path commands: a broken file is a warning, never a failure of the job. */
export function readConfigFileOrWarn(env: NodeJS.ProcessEnv, warn: (message: string) => void): ConfigValues {
  try {
    return readConfigFile(env);
  } catch (error) {
    warn(`${(error as Error).message}; ignoring the config file`);
    return {};
  }
}
