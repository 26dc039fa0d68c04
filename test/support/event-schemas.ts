import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';

/**
 * The change events' JSON Schemas, read from docs/events.md (each `### \`<type>\`` heading followed by
 * a ```json block): the documentation is the contract the tests check every published event against.
 */
export function loadEventSchemas(): Map<string, ValidateFunction> {
  const text = readFileSync(join(__dirname, '..', '..', 'docs', 'events.md'), 'utf8');
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
  const schemas = new Map<string, ValidateFunction>();
  for (const match of text.matchAll(/^### `([a-z_.]+)`\n[\s\S]*?```json\n([\s\S]*?)\n```/gm)) {
    schemas.set(match[1], ajv.compile(JSON.parse(match[2])));
  }
  return schemas;
}

/** The schema errors of an event (by its type), or an empty list when it conforms. */
export function eventSchemaErrors(schemas: Map<string, ValidateFunction>, event: unknown): string[] {
  const type = (event as { type?: unknown })?.type;
  const validate = typeof type === 'string' ? schemas.get(type) : undefined;
  if (!validate) return [`no schema for type ${String(type)}`];
  if (validate(event)) return [];
  return (validate.errors ?? []).map((e) => `${type}${e.instancePath} ${e.message}`);
}
