import pino, { type Logger } from 'pino';

/**
 * Structured logs. Personal data never goes into a log line: request logs keep method,
 * route and status only; authorization headers and bodies are not serialized.
 */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info', name = 'parcours-vae'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['req.headers.authorization', '*.email', '*.phone', '*.firstName', '*.lastName'],
      censor: '[redacted]',
    },
  });
}

export type { Logger };
