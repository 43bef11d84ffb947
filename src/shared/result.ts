/**
 * Expected failures travel as data; thrown errors mean bugs.
 * Every contract procedure resolves to a Result.
 */
export interface AppError {
  code: string;
  message: string;
}

export type Result<T, E extends AppError = AppError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

export const err = <E extends AppError>(error: E): { ok: false; error: E } => ({ ok: false, error });

export const fail = (code: string, message: string): { ok: false; error: AppError } => ({
  ok: false,
  error: { code, message },
});
