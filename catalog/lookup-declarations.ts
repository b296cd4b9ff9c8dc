/**
 * A registration's generic lookups as declared (interfaces[].query): which interfaces are
 * generic lookups, their parameters with their items' names, and the JSON Schema of their
 * parameters. The gateway serves them (gateway/lookups/declared.ts); documents, OpenAPI and the
 * WSDL describe them from here.
 */
import { lookupSpec } from '../core/registry';
import { declaredParamSchema, type DeclaredParam, type JsonSchema } from '../schemas/lookup-params';
import type { InterfaceSpec, QueryParam, Registration } from './resources';

/** Whether an interface is a generic lookup: declared with a query, and none of the six fixed methods. */
export function isDeclaredLookup(spec: InterfaceSpec): boolean {
  return spec.query !== undefined && !lookupSpec(spec.method);
}

/** A generic lookup's parameters with their items' names and lengths, in declaration order. */
export function declaredParams(reg: Registration, spec: InterfaceSpec): Array<QueryParam & DeclaredParam> {
  const items = new Map(reg.items.map((i) => [i.field, i]));
  return (spec.query?.params ?? []).map((p) => ({ ...p, itemName: items.get(p.item)?.name ?? p.item, itemLength: items.get(p.item)?.length }));
}

/** The JSON Schema of a generic lookup's parameters (OpenAPI shows it whole; validation checks the groups itself). */
export function declaredSchema(reg: Registration, spec: InterfaceSpec): JsonSchema {
  return declaredParamSchema(spec.method, spec.name, declaredParams(reg, spec), spec.query?.one_of);
}

/** A generic lookup's parameters as a form shows them: labelled by their items' names. */
export interface DeclaredFormField {
  name: string;
  label: string;
  required: boolean;
  /** the shape the value must have, where the declaration says */
  hint: string;
}

export function declaredForm(reg: Registration, spec: InterfaceSpec): { params: DeclaredFormField[]; one_of: string[][] } {
  const params = declaredParams(reg, spec).map((p) => ({
    name: p.name,
    label: p.itemName,
    required: p.required === true,
    hint: p.date_format ?? (p.codes ? `取值 ${p.codes.join(' / ')}` : p.check ?? ''),
  }));
  return { params, one_of: spec.query?.one_of ?? [] };
}
