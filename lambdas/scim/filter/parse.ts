/**
 * Recursive-descent parser for SCIM filters (RFC 7644 §3.4.2.2) and PATCH paths (RFC 7644 §3.5.2).
 *
 * Grammar (RFC 7644 Figure 1, with errata 5029/4690 allowing an optional SP after "not"):
 *
 *   FILTER    = attrExp / logExp / valuePath / *1"not" "(" FILTER ")"       ; plus "(" FILTER ")" grouping
 *   valuePath = attrPath "[" valFilter "]"
 *   valFilter = attrExp / logExp / *1"not" "(" valFilter ")"
 *   attrExp   = (attrPath SP "pr") / (attrPath SP compareOp SP compValue)
 *   logExp    = FILTER SP ("and" / "or") SP FILTER                          ; "and" binds tighter than "or"
 *   compValue = false / null / true / number / string                       ; JSON literals (RFC 7159)
 *   attrPath  = [URI ":"] ATTRNAME *1subAttr
 *   PATH      = attrPath / valuePath [subAttr]
 *
 * Keywords and operators are case-insensitive (RFC 7644 §3.4.2.2: "attribute names and attribute
 * operators used in filters are case insensitive"). Client quirks accepted on purpose:
 *  - Microsoft Entra ID sends `emails[type eq "work"].value eq "x@y"` (a value path followed by
 *    `.subAttr op value`), parsed as `emails[type eq "work" and value eq "x@y"]`.
 *  - Entra documents a filter with an unquoted value (`userName eq john@contoso.com`) and probes with
 *    bare GUIDs; an unquoted value that is not true/false/null or a JSON number is taken as a string.
 *  - Any amount of whitespace (spaces, tabs, newlines) is accepted where the ABNF has one SP.
 */

import { ScimError, type ScimType } from '../errors';
import { excerpt } from '../excerpt';
import type { AttributePath, CompareOperator, Filter, FilterValue, PatchPath } from './ast';

/** Longest filter or path accepted; bounds parser work on hostile input. */
export const MAX_FILTER_LENGTH = 10_000;
/** Deepest nesting of "(", "not (" and "[" accepted; bounds recursion on hostile input. */
export const MAX_FILTER_DEPTH = 50;

const COMPARE_OPERATORS: ReadonlySet<string> = new Set<CompareOperator>([
  'eq',
  'ne',
  'co',
  'sw',
  'ew',
  'gt',
  'ge',
  'lt',
  'le',
]);

/** RFC 7643 §2.1: ATTRNAME = ALPHA *(nameChar), nameChar = "-" / "_" / DIGIT / ALPHA; "$ref" is the one exception. */
const ATTRNAME = /^(?:[A-Za-z][A-Za-z0-9_-]*|\$ref)$/i;
/** A schema URN (RFC 8141 shape): "urn:" NID ":" then colon-separated, non-empty segments. */
const SCHEMA_URN = /^urn:[A-Za-z0-9][A-Za-z0-9-]*(?::[^:\s]+)+$/i;
/** RFC 7159 §6 number. */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
/** Characters that end a bare word (attribute path, operator, keyword, unquoted value). */
const DELIMITERS = new Set(['(', ')', '[', ']', '"']);

const isWhitespace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f';

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    /** Which scimType errors carry; switched to invalidFilter inside a PATCH path's "[...]" (RFC 7644 §3.12 Table 9). */
    public scimType: ScimType,
    private what: string,
  ) {}

  fail(message: string, at: number = this.pos): never {
    // Positions are 1-based character offsets into the text the client sent.
    throw ScimError.badRequest(this.scimType, `Invalid ${this.what}: ${message} at position ${at + 1}`);
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  peek(): string {
    return this.text[this.pos] ?? '';
  }

  skipWhitespace(): void {
    while (!this.atEnd() && isWhitespace(this.peek())) this.pos++;
  }

  /** Reads a run of characters up to whitespace or a delimiter; returns "" when none. */
  readWord(): { word: string; start: number } {
    const start = this.pos;
    while (!this.atEnd() && !isWhitespace(this.peek()) && !DELIMITERS.has(this.peek())) this.pos++;
    return { word: this.text.slice(start, this.pos), start };
  }

  /** Looks at the next word (after whitespace) without consuming anything. */
  peekWord(): { word: string; start: number; end: number } {
    const saved = this.pos;
    this.skipWhitespace();
    const { word, start } = this.readWord();
    const end = this.pos;
    this.pos = saved;
    return { word, start, end };
  }

  expect(ch: string, context: string): void {
    this.skipWhitespace();
    if (this.peek() !== ch) {
      this.fail(
        this.atEnd()
          ? `missing '${excerpt(ch)}' ${context}`
          : `expected '${excerpt(ch)}' ${context}, found ${this.describeNext()}`,
      );
    }
    this.pos++;
  }

  enter(): void {
    this.depth++;
    if (this.depth > MAX_FILTER_DEPTH) this.fail(`nested deeper than ${MAX_FILTER_DEPTH} levels`);
  }

  leave(): void {
    this.depth--;
  }

  describeNext(): string {
    if (this.atEnd()) return 'end of input';
    const { word } = this.peekWord();
    return `'${excerpt(word || this.peek())}'`;
  }

  // FILTER: or-expressions of and-expressions of atoms (RFC 7644 §3.4.2.2 Table 4: "and" before "or").
  parseOr(inValuePath: boolean): Filter {
    let left = this.parseAnd(inValuePath);
    for (;;) {
      const next = this.peekWord();
      if (next.word.toLowerCase() !== 'or') return left;
      this.pos = next.end;
      const right = this.parseAnd(inValuePath);
      left = { kind: 'or', left, right };
    }
  }

  parseAnd(inValuePath: boolean): Filter {
    let left = this.parseAtom(inValuePath);
    for (;;) {
      const next = this.peekWord();
      if (next.word.toLowerCase() !== 'and') return left;
      this.pos = next.end;
      const right = this.parseAtom(inValuePath);
      left = { kind: 'and', left, right };
    }
  }

  parseAtom(inValuePath: boolean): Filter {
    this.skipWhitespace();
    if (this.atEnd()) this.fail("unexpected end; expected an attribute path, '(' or 'not ('");
    const ch = this.peek();
    if (ch === '(') {
      this.enter();
      this.pos++;
      const inner = this.parseOr(inValuePath);
      this.expect(')', 'to close the group');
      this.leave();
      return inner;
    }
    if (ch === ')' || ch === ']' || ch === '[' || ch === '"') {
      this.fail(`unexpected '${excerpt(ch)}'; expected an attribute path, '(' or 'not ('`);
    }
    const { word, start } = this.readWord();
    if (word.toLowerCase() === 'not') {
      // RFC 7644 ABNF (errata): "not" [SP] "(" valFilter ")". An attribute literally named "not" is
      // still allowed when an operator follows it.
      const afterNot = this.pos;
      this.skipWhitespace();
      if (this.peek() === '(') {
        this.enter();
        this.pos++;
        const inner = this.parseOr(inValuePath);
        this.expect(')', "to close 'not ('");
        this.leave();
        return { kind: 'not', filter: inner };
      }
      const next = this.peekWord().word.toLowerCase();
      if (!COMPARE_OPERATORS.has(next) && next !== 'pr') this.fail("'not' must be followed by '('", start);
      this.pos = afterNot;
    }
    const path = this.toAttributePath(word, start);

    // valuePath: attrPath "[" valFilter "]" (whitespace before "[" tolerated).
    const afterPath = this.pos;
    this.skipWhitespace();
    if (this.peek() !== '[') {
      this.pos = afterPath;
      return this.parseAttrExpTail(path, word);
    }
    if (inValuePath) this.fail('value filters cannot be nested');
    if (path.subAttribute !== undefined) {
      this.fail(
        `a value filter must follow a multi-valued attribute, not the sub-attribute '${excerpt(word)}'`,
      );
    }
    this.enter();
    this.pos++;
    const inner = this.parseOr(true);
    this.expect(']', 'to close the value filter');
    this.leave();

    // Entra quirk: `emails[type eq "work"].value eq "x"` == `emails[type eq "work" and value eq "x"]`.
    if (this.peek() === '.') {
      const { word: dotted, start: dotStart } = this.readWord();
      const subAttribute = dotted.slice(1);
      if (!ATTRNAME.test(subAttribute))
        this.fail(`invalid sub-attribute name '${excerpt(subAttribute)}'`, dotStart + 1);
      const tail = this.parseAttrExpTail({ attribute: subAttribute }, `${word}[...]${dotted}`);
      return { kind: 'valuePath', path, filter: { kind: 'and', left: inner, right: tail } };
    }
    return { kind: 'valuePath', path, filter: inner };
  }

  /** attrExp after its attrPath: SP "pr" / SP compareOp SP compValue. */
  parseAttrExpTail(path: AttributePath, pathText: string): Filter {
    this.skipWhitespace();
    const { word, start } = this.readWord();
    if (!word) {
      this.fail(`expected an operator after '${excerpt(pathText)}', found ${this.describeNext()}`);
    }
    const op = word.toLowerCase();
    if (op === 'pr') return { kind: 'present', path };
    if (!COMPARE_OPERATORS.has(op)) {
      this.fail(
        `unknown operator '${excerpt(word)}' (expected eq, ne, co, sw, ew, gt, ge, lt, le or pr)`,
        start,
      );
    }
    const value = this.parseValue(op);
    return { kind: 'compare', path, op: op as CompareOperator, value };
  }

  /** compValue: a JSON literal, or (Entra quirk) an unquoted word taken as a string. */
  parseValue(op: string): FilterValue {
    this.skipWhitespace();
    if (this.atEnd()) this.fail(`expected a value after '${op}'`);
    if (this.peek() === '"') return this.parseString();
    const { word, start } = this.readWord();
    if (!word) this.fail(`expected a value after '${op}', found '${excerpt(this.peek())}'`);
    const lower = word.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    if (lower === 'null') return null;
    if (JSON_NUMBER.test(word)) {
      const number = Number(word);
      if (!Number.isFinite(number)) this.fail(`number '${excerpt(word)}' is out of range`, start);
      return number;
    }
    if (lower === 'and' || lower === 'or' || lower === 'not')
      this.fail(`expected a value after '${op}'`, start);
    if (word.includes('\\'))
      this.fail(`unquoted value '${excerpt(word)}' contains '\\'; quote it as a JSON string`, start);
    return word;
  }

  /** A JSON string (RFC 7159 §7): escapes \" \\ \/ \b \f \n \r \t \uXXXX. */
  parseString(): string {
    const start = this.pos;
    let i = start + 1;
    for (;;) {
      if (i >= this.text.length) this.fail('unterminated string', start);
      const ch = this.text[i];
      if (ch === '\\') i += 2;
      else if (ch === '"') break;
      else i++;
    }
    const literal = this.text.slice(start, i + 1);
    this.pos = i + 1;
    try {
      return JSON.parse(literal) as string;
    } catch {
      return this.fail(`invalid string literal ${excerpt(literal)} (bad escape or control character)`, start);
    }
  }

  /**
   * attrPath = [URI ":"] ATTRNAME *1subAttr. A schema URN contains colons and dots ("...:2.0:User"),
   * so the attribute is what follows the last colon and the schema is everything before it.
   */
  toAttributePath(word: string, start: number): AttributePath {
    let schema: string | undefined;
    let rest = word;
    let restStart = start;
    if (/^urn:/i.test(word)) {
      const colon = word.lastIndexOf(':');
      schema = word.slice(0, colon);
      rest = word.slice(colon + 1);
      restStart = start + colon + 1;
      if (!SCHEMA_URN.test(schema)) this.fail(`invalid schema URN '${excerpt(schema)}'`, start);
      if (!rest) this.fail(`missing attribute name after schema URN '${excerpt(schema)}'`, restStart);
    } else if (word.includes(':')) {
      this.fail(
        `invalid attribute path '${excerpt(word)}' (a qualified path must start with a 'urn:' schema URN)`,
        start,
      );
    }
    const parts = rest.split('.');
    if (parts.length > 2)
      this.fail(`invalid attribute path '${excerpt(word)}' (at most one sub-attribute)`, start);
    const [attribute, subAttribute] = parts;
    if (!ATTRNAME.test(attribute)) this.fail(`invalid attribute name '${excerpt(attribute)}'`, restStart);
    if (subAttribute !== undefined && !ATTRNAME.test(subAttribute)) {
      this.fail(`invalid sub-attribute name '${excerpt(subAttribute)}'`, restStart + attribute.length + 1);
    }
    const path: AttributePath = { attribute };
    if (schema !== undefined) path.schema = schema;
    if (subAttribute !== undefined) path.subAttribute = subAttribute;
    return path;
  }

  /** PATH = attrPath / valuePath [subAttr] (RFC 7644 §3.5.2). */
  parsePatchPath(): PatchPath {
    this.skipWhitespace();
    if (this.atEnd()) this.fail('empty path');
    const { word, start } = this.readWord();
    if (!word) this.fail(`expected an attribute path, found '${excerpt(this.peek())}'`);
    const result: PatchPath = { path: this.toAttributePath(word, start) };
    if (this.peek() === '[') {
      if (result.path.subAttribute !== undefined) {
        this.fail(
          `a value filter must follow a multi-valued attribute, not the sub-attribute '${excerpt(word)}'`,
        );
      }
      this.pos++;
      // RFC 7644 §3.12 Table 9: errors inside a PATCH path filter are invalidFilter.
      this.scimType = 'invalidFilter';
      this.what = 'value filter in path';
      this.depth = 1;
      result.valueFilter = this.parseOr(true);
      this.skipWhitespace();
      this.scimType = 'invalidPath';
      this.what = 'path';
      if (this.peek() !== ']') {
        this.fail(
          this.atEnd()
            ? "missing ']' to close the value filter"
            : `expected ']', found ${this.describeNext()}`,
        );
      }
      this.pos++;
      if (this.peek() === '.') {
        const { word: dotted, start: dotStart } = this.readWord();
        const subAttribute = dotted.slice(1);
        if (!ATTRNAME.test(subAttribute))
          this.fail(`invalid sub-attribute name '${excerpt(subAttribute)}'`, dotStart + 1);
        result.subAttribute = subAttribute;
      }
    }
    this.skipWhitespace();
    if (!this.atEnd()) this.fail(`unexpected ${this.describeNext()} after the path`);
    return result;
  }

  parseWholeFilter(): Filter {
    this.skipWhitespace();
    if (this.atEnd()) this.fail('empty filter');
    const filter = this.parseOr(false);
    this.skipWhitespace();
    if (!this.atEnd())
      this.fail(`unexpected ${this.describeNext()}; expected 'and', 'or' or the end of the filter`);
    return filter;
  }
}

/**
 * Parses a `filter` query parameter / SearchRequest filter (RFC 7644 §3.4.2.2).
 * Throws ScimError 400 invalidFilter with the 1-based position of the problem.
 */
export function parseFilter(text: string): Filter {
  if (typeof text !== 'string') throw ScimError.badRequest('invalidFilter', 'Invalid filter: not a string');
  if (text.length > MAX_FILTER_LENGTH) {
    throw ScimError.badRequest(
      'invalidFilter',
      `Invalid filter: longer than ${MAX_FILTER_LENGTH} characters`,
    );
  }
  return new Parser(text, 'invalidFilter', 'filter').parseWholeFilter();
}

/**
 * Parses a PATCH operation `path` (RFC 7644 §3.5.2). Throws ScimError 400 invalidPath for a malformed
 * path, and 400 invalidFilter for a malformed value filter inside "[...]" (RFC 7644 §3.12 Table 9).
 */
export function parsePatchPath(text: string): PatchPath {
  if (typeof text !== 'string') throw ScimError.badRequest('invalidPath', 'Invalid path: not a string');
  if (text.length > MAX_FILTER_LENGTH) {
    throw ScimError.badRequest('invalidPath', `Invalid path: longer than ${MAX_FILTER_LENGTH} characters`);
  }
  return new Parser(text, 'invalidPath', 'path').parsePatchPath();
}
