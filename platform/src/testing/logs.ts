import pino, { type Logger } from 'pino';

/** A pino logger whose JSON lines a test reads back. */
export function capturedLogger(): { logger: Logger; lines: Record<string, unknown>[]; messages: () => string[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines, messages: () => lines.map((l) => String(l.msg)) };
}
