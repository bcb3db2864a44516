/**
 * A use case's refusal: what was asked cannot be done, and why, in terms of the domain. The
 * use cases throw it and know nothing of HTTP; `src/api/errors.ts` is the one place that turns
 * a kind into a status and a problem body.
 *
 * - `invalid`: a field is wrong (its `code` is always `validation_failed`, `details.errors` says
 *   which field and why);
 * - `not_found`: what the request names does not exist;
 * - `conflict`: the current state does not allow it (a phase, a limit, a name already taken);
 * - `forbidden`: the caller may not do it;
 * - `unavailable`: a dependency did not answer, the caller may retry.
 */
export type RefusalKind = 'invalid' | 'not_found' | 'conflict' | 'forbidden' | 'unavailable';

/** One wrong field of an `invalid` refusal: where (e.g. `body.rncpCode`), a stable code, a French sentence. */
export interface FieldError {
  path: string;
  code: string;
  message: string;
}

export class Refusal extends Error {
  override readonly name = 'Refusal';

  constructor(
    readonly kind: RefusalKind,
    /** Stable machine code, e.g. `blocks_already_acquired`. */
    readonly code: string,
    /** One French sentence for the person who asked. */
    message: string,
    /** What explains it, as extra fields of the answer (the phase, the allowed actions…). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** Fields are wrong: `message` sums them up, `errors` lists each. */
  static invalid(message: string, errors: FieldError[]): Refusal {
    return new Refusal('invalid', 'validation_failed', message, { errors });
  }

  /** One field is wrong; its message is the refusal's. */
  static invalidField(path: string, code: string, message: string): Refusal {
    return Refusal.invalid(message, [{ path, code, message }]);
  }

  static notFound(code: string, message: string, details?: Record<string, unknown>): Refusal {
    return new Refusal('not_found', code, message, details);
  }

  static conflict(code: string, message: string, details?: Record<string, unknown>): Refusal {
    return new Refusal('conflict', code, message, details);
  }

  static forbidden(code: string, message: string, details?: Record<string, unknown>): Refusal {
    return new Refusal('forbidden', code, message, details);
  }

  static unavailable(code: string, message: string, details?: Record<string, unknown>): Refusal {
    return new Refusal('unavailable', code, message, details);
  }
}
