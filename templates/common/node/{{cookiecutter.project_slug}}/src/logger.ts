/** Structured JSON logs (pino) on stdout; LOG_LEVEL sets the level. Secrets and bodies are never logged. */
import { pino } from "pino";

export const logger = pino({
  level: (process.env.LOG_LEVEL ?? "info").toLowerCase(),
  base: { service: {{ cookiecutter.project_slug | json_str }} },
  timestamp: pino.stdTimeFunctions.isoTime,
  redact: ["req.headers.authorization", "req.headers.cookie", "password", "new_password", "current_password"],
});
