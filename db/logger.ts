/** One structured logger (pino) for the server, the workers and the launcher. */
import pino from 'pino';

const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function level(): string {
  const l = process.env.LOG_LEVEL?.trim();
  return l && levels.includes(l) ? l : 'info';
}

const holder = globalThis as unknown as { __strikeflowLogger?: pino.Logger };

export const logger: pino.Logger = (holder.__strikeflowLogger ??= pino({
  name: 'strikeflow',
  level: level(),
}));
