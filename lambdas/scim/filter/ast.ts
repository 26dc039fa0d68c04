/**
 * Abstract syntax of RFC 7644 §3.4.2.2 filters and of PATCH paths (§3.5.2, "PATH" ABNF in Figure 1).
 * Attribute names keep the case the client sent; consumers compare them case-insensitively
 * (RFC 7643 §2.1).
 */

/** A (possibly URN-qualified) attribute path: `urn:...:User:name.givenName` -> {schema, attribute: "name", subAttribute: "givenName"}. */
export interface AttributePath {
  /** Schema URN prefix when the path was qualified, e.g. "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User". */
  schema?: string;
  attribute: string;
  subAttribute?: string;
}

export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

/** A JSON literal from the filter: string, number, boolean or null. */
export type FilterValue = string | number | boolean | null;

export type Filter =
  | { kind: 'compare'; path: AttributePath; op: CompareOperator; value: FilterValue }
  | { kind: 'present'; path: AttributePath }
  | { kind: 'and'; left: Filter; right: Filter }
  | { kind: 'or'; left: Filter; right: Filter }
  | { kind: 'not'; filter: Filter }
  /** `emails[type eq "work" and primary eq true]` — `filter` applies to each value of the multi-valued `path.attribute`. */
  | { kind: 'valuePath'; path: AttributePath; filter: Filter };

/**
 * A PATCH path: `attrPath`, or `valuePath [ "." subAttr ]`:
 *   `members`                               -> {path: {attribute: "members"}}
 *   `name.givenName`                        -> {path: {attribute: "name", subAttribute: "givenName"}}
 *   `members[value eq "x"]`                 -> {path: {attribute: "members"}, valueFilter}
 *   `emails[type eq "work"].value`          -> {path: {attribute: "emails"}, valueFilter, subAttribute: "value"}
 */
export interface PatchPath {
  path: AttributePath;
  /** Filter over the values of the multi-valued attribute; attribute paths inside it are relative to each value. */
  valueFilter?: Filter;
  /** Sub-attribute after a value filter (`emails[...].value`). */
  subAttribute?: string;
}
