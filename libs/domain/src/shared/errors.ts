/** What went wrong, in the terms the API answers with (400, 403, 404, 409, 422). */
export interface FieldError {
  field: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly kind: 'invalid' | 'forbidden' | 'not_found' | 'conflict' | 'rule';
  constructor(
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Malformed or invalid input: every bad field is listed. */
export class InvalidInput extends DomainError {
  readonly kind = 'invalid' as const;
  constructor(errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
  }
}

export class NotFound extends DomainError {
  readonly kind = 'not_found' as const;
}

/** Conflicts with the ledger's state: duplicate NIK, double funding, already settled. */
export class Conflict extends DomainError {
  readonly kind = 'conflict' as const;
}

/** A business rule refused it: insufficient funds, worker not covered, period outside the fiscal year. */
export class RuleViolation extends DomainError {
  readonly kind = 'rule' as const;
}

/** The caller may not act on or see this (role or region). */
export class Forbidden extends DomainError {
  readonly kind = 'forbidden' as const;
}
