/** Argument parsers shared by the commands. */
import { InvalidArgumentError } from 'commander';

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a whole number from 1');
  return n;
}

/** Collects a repeated option (`--file a --file b`). */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
