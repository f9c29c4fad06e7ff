/**
 * Settings from the environment, validated once at start: a missing or unsafe value stops the app with
 * one line naming the variable (never its value).
 */
export interface Settings {
  readonly databaseUrl: string;
  readonly secretKey: Uint8Array;
{%- if cookiecutter.auth == "session-cookie" %}
  readonly sessionMinutes: number;
  /** the Secure attribute of the cookies: leave it on except for plain-HTTP development */
  readonly cookieSecure: boolean;
{%- else %}
  readonly accessTokenMinutes: number;
  readonly refreshTokenDays: number;
{%- endif %}
  readonly trustedProxies: readonly string[];
  readonly authRateLimitPerMinute: number;
  readonly passwordHashConcurrency: number;
  readonly logLevel: string;
  readonly host: string;
  readonly port: number;
}

export class SettingsError extends Error {}

/** Placeholders of .env.example and documentation: refused even when long enough. */
const PLACEHOLDERS = ["change-me", "changeme", "secret", "example", "placeholder", "your-secret"];
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new SettingsError(`${name} must be an integer from ${min} to ${max}`);
  return value;
}

{%- if cookiecutter.auth == "session-cookie" %}
function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = (env[name] ?? "").toLowerCase();
  if (raw === "") return fallback;
  if (raw === "true" || raw === "1") return true;
  if (raw === "false" || raw === "0") return false;
  throw new SettingsError(`${name} must be true or false`);
}

{% endif -%}
export function secretProblem(secret: string): string | null {
  if (Buffer.byteLength(secret, "utf8") < 32) return "must be at least 32 bytes (generate one: openssl rand -hex 32)";
  const lowered = secret.toLowerCase();
  if (PLACEHOLDERS.some((p) => lowered.includes(p))) return "is a placeholder: generate one (openssl rand -hex 32)";
  if (new Set(secret).size < 8) return "is too guessable (too few distinct characters)";
  return null;
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const databaseUrl = env.DATABASE_URL ?? "";
  if (!databaseUrl) throw new SettingsError("DATABASE_URL is not set");
  const secret = env.SECRET_KEY ?? "";
  const problem = secretProblem(secret);
  if (problem) throw new SettingsError(`SECRET_KEY ${problem}`);
  const logLevel = (env.LOG_LEVEL ?? "info").toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) throw new SettingsError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}`);
  return {
    databaseUrl,
    secretKey: new TextEncoder().encode(secret),
{%- if cookiecutter.auth == "session-cookie" %}
    sessionMinutes: integer(env, "SESSION_EXPIRE_MINUTES", 480, 1, 43200),
    cookieSecure: flag(env, "COOKIE_SECURE", true),
{%- else %}
    accessTokenMinutes: integer(env, "ACCESS_TOKEN_EXPIRE_MINUTES", 30, 1, 1440),
    refreshTokenDays: integer(env, "REFRESH_TOKEN_EXPIRE_DAYS", 14, 1, 365),
{%- endif %}
    trustedProxies: (env.TRUSTED_PROXIES ?? "")
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean),
    authRateLimitPerMinute: integer(env, "AUTH_RATE_LIMIT_PER_MINUTE", 20, 1, 100000),
    passwordHashConcurrency: integer(env, "PASSWORD_HASH_CONCURRENCY", 4, 1, 64),
    logLevel,
    host: env.HOST ?? "0.0.0.0",
    port: integer(env, "PORT", 3000, 1, 65535),
  };
}
