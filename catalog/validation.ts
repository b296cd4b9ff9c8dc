/**
 * Validation of catalogue inputs: every error at once, each a field and a Chinese reason
 * (core/validation.ts), carried whole in the envelope's data.
 */
import resourceSchema from '../schemas/resource.schema.json';
import applicationSchema from '../schemas/application.schema.json';
import demandSchema from '../schemas/demand.schema.json';
import { ApiError } from '../core/result-codes';
import { describeFieldError, FieldError, fieldErrors, lazyValidator } from '../core/validation';

export type { FieldError };

/** A 400 that carries every offending field in the envelope's data; the message names the first. */
export class ValidationFailed extends ApiError {
  constructor(
    readonly what: string,
    readonly errors: FieldError[],
  ) {
    super('BAD_PARAM', `${what}有${errors.length}处错误${errors.length ? `，${describeFieldError(errors[0])}` : ''}`);
  }
}

const validators = {
  resource: lazyValidator(resourceSchema),
  application: lazyValidator(applicationSchema),
  demand: lazyValidator(demandSchema),
};

export type SchemaName = keyof typeof validators;

/** Field errors of `value` against a schema, de-duplicated, in document order. */
export function schemaErrors(name: SchemaName, value: unknown): FieldError[] {
  const validate = validators[name];
  return validate(value) ? [] : fieldErrors(validate.errors);
}
