import type { z } from 'zod';
import { AppError } from '../errors.js';

/** Parses an input with its protocol schema; a bad input becomes one clear VALIDATION_FAILED error. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 20).map((i) => ({
    path: i.path.map(String).join('.'),
    message: i.message,
  }));
  const first = issues[0];
  const summary = first ? `${first.path ? `${first.path}: ` : ''}${first.message}` : 'invalid';
  return throwValidation(`Invalid ${what}: ${summary}`, issues);
}

function throwValidation(message: string, issues: { path: string; message: string }[]): never {
  throw new AppError('VALIDATION_FAILED', message, { issues });
}
