import { type AttributeDefinition, COMMON_ATTRIBUTES, type ResourceSchema } from '../../lambdas/scim/schemas';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function scalarOk(type: AttributeDefinition['type'], value: unknown): boolean {
  switch (type) {
    case 'string':
    case 'reference':
    case 'binary':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return Number.isInteger(value);
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value);
    case 'dateTime':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value));
    case 'complex':
      return isObject(value);
  }
}

function checkValue(
  definition: AttributeDefinition,
  value: unknown,
  where: string,
  problems: string[],
): void {
  if (definition.multiValued) {
    if (!Array.isArray(value)) {
      problems.push(`${where} must be an array`);
      return;
    }
    value.forEach((item, i) => {
      checkSingle(definition, item, `${where}[${i}]`, problems);
    });
    return;
  }
  checkSingle(definition, value, where, problems);
}

function checkSingle(
  definition: AttributeDefinition,
  value: unknown,
  where: string,
  problems: string[],
): void {
  if (!scalarOk(definition.type, value)) {
    problems.push(`${where} must be of type ${definition.type}, is ${JSON.stringify(value)}`);
    return;
  }
  if (definition.type !== 'complex') return;
  for (const [key, subValue] of Object.entries(value as Json)) {
    const sub = definition.subAttributes?.find((s) => s.name === key);
    if (!sub) {
      problems.push(`${where}.${key} is not a sub-attribute of ${definition.name}`);
      continue;
    }
    checkValue(sub, subValue, `${where}.${key}`, problems);
  }
}

/**
 * What a stored resource, as the server returns it, breaks of its schema (RFC 7643 §2.3): every
 * attribute known, under its canonical name, of its declared type and multiplicity, sub-attributes
 * too. `schemas`, `id` and `meta` are the server's own and checked by shape only.
 */
export function schemaViolations(resource: Json, schema: ResourceSchema): string[] {
  const problems: string[] = [];
  const check = (values: Json, attributes: readonly AttributeDefinition[], prefix: string) => {
    for (const [key, value] of Object.entries(values)) {
      if (['schemas', 'id', 'meta'].includes(key) && prefix === '') continue;
      if (schema.extensions.some((e) => e.schema.id === key) && prefix === '') {
        if (!isObject(value)) problems.push(`${key} must be an object`);
        else {
          const extension = schema.extensions.find((e) => e.schema.id === key)!.schema;
          check(value, extension.attributes, `${key}:`);
        }
        continue;
      }
      const definition = attributes.find((a) => a.name === key);
      if (!definition) {
        problems.push(`${prefix}${key} is not an attribute of the schema`);
        continue;
      }
      checkValue(definition, value, `${prefix}${key}`, problems);
    }
  };
  if (!Array.isArray(resource.schemas) || resource.schemas.some((s) => typeof s !== 'string')) {
    problems.push('schemas must be an array of URNs');
  }
  if (typeof resource.id !== 'string') problems.push('id must be a string');
  check(resource, [...schema.core.attributes, ...COMMON_ATTRIBUTES], '');
  return problems;
}
