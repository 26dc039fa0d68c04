/**
 * Attribute definitions as RFC 7643 §7 describes them. The schema objects in this folder are the
 * single source of truth for filtering (caseExact), projection (returned), PATCH (mutability,
 * multiValued) and the /Schemas discovery responses.
 */
export type AttributeType =
  | 'string'
  | 'boolean'
  | 'decimal'
  | 'integer'
  | 'dateTime'
  | 'reference'
  | 'complex'
  | 'binary';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface AttributeDefinition {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: Returned;
  uniqueness: Uniqueness;
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDefinition[];
}

export interface SchemaDefinition {
  id: string;
  name: string;
  description: string;
  attributes: AttributeDefinition[];
}

/** A resource type with its core schema and extensions, as the server knows it for one tenant. */
export interface ResourceSchema {
  /** e.g. "User" */
  resourceType: string;
  core: SchemaDefinition;
  extensions: { schema: SchemaDefinition; required: boolean }[];
}
