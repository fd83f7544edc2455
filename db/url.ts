import { AppError } from "../lib/errors";

/**
 * A database URL from a setting, parsed; a config error naming the setting and the form it takes
 * (`expected`, e.g. postgres://user@host:5432/database) when it is not a URL at all.
 */
export function parseDatabaseUrl(url: string, setting: string, expected: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new AppError("config:database", `${setting} is not a valid URL; expected ${expected}`);
  }
}
