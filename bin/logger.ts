// Structured log lines (one JSON object per line) with a level filter. Fields that could
// hold a secret are masked here, once, so no call site can leak a password by accident.

import type { Logger } from '../eas/log.js';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
const SECRET_FIELD = /pass(word)?|secret|token|authorization|credential/i;

function mask(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    out[key] = SECRET_FIELD.test(key) ? '[redacted]' : value;
  }
  return out;
}

export interface LoggerOptions {
  level: LogLevel;
  /** Receives one complete line, newline included. */
  write: (line: string) => void;
  now?: () => Date;
}

export function createLogger({ level, write, now = () => new Date() }: LoggerOptions): Logger {
  const threshold = RANK[level];
  const emit = (lvl: Exclude<LogLevel, 'silent'>, msg: string, fields?: Record<string, unknown>): void => {
    if (RANK[lvl] < threshold) return;
    const record = { time: now().toISOString(), level: lvl, msg, ...(fields ? mask(fields) : {}) };
    let line: string;
    try {
      line = JSON.stringify(record);
    } catch {
      line = JSON.stringify({ time: record.time, level: lvl, msg, note: 'fields not serialisable' });
    }
    write(line + '\n');
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  };
}

export const silentLogger: Logger = createLogger({ level: 'silent', write: () => {} });
