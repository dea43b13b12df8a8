export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, fatal: 50 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function isLogLevel(s: string): s is LogLevel {
  return s in ORDER;
}

/** Logs as logfmt-ish lines on stderr, as dockerd does. */
export function createLogger(level: LogLevel = 'info', sink: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const min = ORDER[level];
  const emit = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < min) return;
    let line = `time="${new Date().toISOString()}" level=${lvl} msg=${JSON.stringify(msg)}`;
    for (const [k, v] of Object.entries(fields ?? {})) line += ` ${k}=${JSON.stringify(v)}`;
    sink(line + '\n');
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
