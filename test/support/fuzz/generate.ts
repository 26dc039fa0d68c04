import {
  BULK_URN,
  ENTERPRISE_URN,
  entraGroup,
  entraUser,
  GROUP_URN,
  groupOperations,
  oktaGroup,
  oktaPut,
  oktaUser,
  patchOf,
  readPaths,
  SEARCH_URN,
  USER_URN,
  userOperations,
} from './corpus';
import type { Random } from './random';
import { breaksType, GROUP_SLOTS, MAX_STRING_LENGTH, refusalOf, type Slot, setAt, USER_SLOTS } from './slots';

type Json = Record<string, unknown>;

/** What the runner knows of the two tenants; it keeps the id pools current as writes succeed. */
export interface FuzzContext {
  tenantA: string;
  tenantB: string;
  oktaTokenA: string;
  entraTokenA: string;
  tokenB: string;
  usersA: string[];
  groupsA: string[];
  usersB: string[];
  groupsB: string[];
  /** The last ETag tenant A's answers showed for each id. */
  etags: Map<string, string>;
}

export interface FuzzRequest {
  n: number;
  /** Which mutation made it (for the histogram and the failure report). */
  kind: string;
  method: string;
  /** Path and query exactly as sent on the request line. */
  path: string;
  /** A list value sends the header once per item. */
  headers: Record<string, string | string[]>;
  body?: Buffer;
  /** The write must be refused (a 4xx): why. */
  refuse?: string;
  /** A 2xx answer changed this resource of tenant A: read it back and check it. */
  write?: { resource: 'Users' | 'Groups'; id?: string };
  /** The answer may come from the HTTP parser in front of the service (431): only status < 500 is checked. */
  parserLimit?: boolean;
}

/** The largest request body the service accepts (SCIM_LIMITS.maxPayloadBytes). */
export const BODY_LIMIT = 1024 * 1024;

/** encodeURIComponent, with an unpaired surrogate (which it refuses) sent as U+FFFD. */
const uriComponent = (text: string) =>
  encodeURIComponent(
    text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'),
  );

const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

/** Values of every JSON kind, for "wrong type at this path". */
function anyValue(random: Random): unknown {
  return random.pick<() => unknown>([
    () => random.pick(['x', '', ' ', 'True', 'false', 'yes', '0', '2026-01-01T00:00:00Z', '{}', '[]']),
    () => random.pick([0, 1, -1, 1.5, 1e308, -0, 2 ** 53 + 1]),
    () => random.chance(0.5),
    () => null,
    () =>
      random.pick([
        {},
        { value: 'x' },
        { value: 5 },
        { value: { value: 'x' } },
        { primary: 'maybe' },
        { type: [] },
      ]),
    () =>
      random.pick([
        [],
        ['x'],
        [1],
        [true],
        [null],
        [{}],
        [{ value: 'x' }],
        [[{ value: 'x' }]],
        [{ value: 7 }],
      ]),
  ])();
}

/**
 * `levels` nested arrays/objects as JSON text, built as text: JSON.stringify itself recurses and
 * overflows the stack on deep values.
 */
function deepText(levels: number, kind: 'array' | 'object' | 'mixed'): string {
  const open: string[] = [];
  const close: string[] = [];
  for (let i = levels - 1; i >= 0; i--) {
    const asArray = kind === 'array' || (kind === 'mixed' && i % 2 === 0);
    open.push(asArray ? '[' : '{"value":');
    close.push(asArray ? ']' : '}');
  }
  return `${open.join('')}"bottom"${close.reverse().join('')}`;
}

const DEEP = '@@DEEP@@';
/** The body as JSON with the string "@@DEEP@@" replaced by the deep text. */
const withDeep = (body: unknown, text: string) =>
  Buffer.from(
    JSON.stringify(body).replace(`"${DEEP}"`, () => text),
    'utf8',
  );

function deep(levels: number, kind: 'array' | 'object' | 'mixed'): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i++) {
    const asArray = kind === 'array' || (kind === 'mixed' && i % 2 === 0);
    value = asArray ? [value] : { value };
  }
  return value;
}

const CONTROL_STRINGS = [
  'nul\u0000in',
  '\u0001\u001f\u007f',
  'tab\tnewline\ncr\r',
  'line\u2028sep\u2029',
  'lone \ud800 high',
  'lone \udfff low',
  '\udc00\ud800 reversed pair',
  '\ufeffbom',
  'rtl\u202eevil',
  'zero\u200bwidth',
  '\u0085next line',
  'emoji \ud83d\ude00',
  '\\u0000 escaped text',
];

function controlString(random: Random): string {
  return `${random.pick(CONTROL_STRINGS)}${random.chance(0.3) ? random.pick(CONTROL_STRINGS) : ''}`;
}

function hugeString(random: Random): string {
  const length = random.pick([
    MAX_STRING_LENGTH - 1,
    MAX_STRING_LENGTH,
    MAX_STRING_LENGTH + 1,
    200_000,
    BODY_LIMIT - 2_000,
    BODY_LIMIT + 1,
  ]);
  const unit = random.pick(['x', 'é', '\ud83d\ude00', 'a\u0000']);
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

const BAD_FILTERS = [
  '(userName eq "a"',
  'userName eq "a")',
  '((userName eq "a") or (title pr)',
  'userName eq',
  'eq "a"',
  'userName',
  'userName zz "a"',
  'userName like "a%"',
  'userName eq "unterminated',
  "userName eq 'single'",
  'userName eq "a" and',
  'and userName eq "a"',
  'not userName eq "a"',
  'not (userName eq "a")',
  'userName eq "a" or or title pr',
  'emails[type eq "work"',
  'emails[type eq "work"]]',
  'emails[]',
  'emails[type eq "work"].value.extra eq "x"',
  'members[value eq "x"].display eq "y"',
  'name[givenName eq "x"]',
  'active eq "maybe"',
  'active gt true',
  'meta.created gt "yesterday"',
  'meta.lastModified ge 5',
  'userName co 5',
  'userName eq null',
  'userName pr pr',
  'urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"',
  'urn:bogus:userName eq "x"',
  'urn: eq "x"',
  'a.b.c eq "x"',
  'userName eq "\u0000"',
  'userName eq "\ud800"',
  '"',
  '\\',
  '[',
  ']',
  '()',
  '',
  ' ',
  'id eq "x" and id eq "y" and id eq "z"',
  `userName sw "${'x'.repeat(3000)}"`,
  'x'.repeat(6000),
];

function nestedFilter(random: Random, depth: number): string {
  const kind = random.int(3);
  if (kind === 0) return `${'not ('.repeat(depth)}userName eq "a"${')'.repeat(depth)}`;
  if (kind === 1) return `${'('.repeat(depth)}userName eq "a"${')'.repeat(depth)}`;
  const op = random.pick(['and', 'or']);
  return Array.from({ length: depth }, (_, i) => `title eq "${i}"`).join(` ${op} `);
}

function badFilter(random: Random): string {
  // Huge: near the body limit (sent by POST .search), or ten thousand clauses.
  if (random.chance(0.03)) return `userName eq "${'x'.repeat(random.pick([100_000, BODY_LIMIT - 200]))}"`;
  if (random.chance(0.25)) return nestedFilter(random, random.pick([50, 500, 1000, 10_000]));
  return random.pick(BAD_FILTERS);
}

const ODD_NUMBERS = [
  '-1',
  '0',
  '1',
  '1.5',
  ' 1',
  'abc',
  '',
  '1e9',
  '1e309',
  '99999999999999999999',
  '0x10',
  'NaN',
  'Infinity',
  '-0',
  '%00',
  '2147483648',
  '100000',
];

const BAD_PATCH_PATHS = [
  'members[value eq "x"',
  'members[value eq ]',
  'members[value eq "x"]]',
  'members[value]',
  'members[value eq "x"].display',
  'members[display eq "x"]',
  'members[value eq "x" or value eq "y"]',
  'members[not (value eq "x")]',
  'members[]',
  'members.value',
  'displayName[value eq "x"]',
  'active[type eq "x"]',
  'userName[value eq "x"]',
  'name[givenName eq "x"].familyName',
  'emails[type eq "work"].nope',
  'emails[type eq "work"',
  'emails[type eq "work"].value.x',
  'nope',
  'name.nope',
  'name.givenName.extra',
  'urn:bogus:thing:attr',
  `${ENTERPRISE_URN}:nope`,
  `${ENTERPRISE_URN}:manager.nope`,
  `${ENTERPRISE_URN}`,
  'id',
  'meta.created',
  'groups',
  'schemas',
  '',
  ' ',
  '.',
  '[',
  ':',
  'x'.repeat(5000),
];

/** The two resource types; a request targets one of them. */
type Resource = 'Users' | 'Groups';

export class FuzzGenerator {
  constructor(
    private readonly random: Random,
    private readonly context: FuzzContext,
  ) {}

  private get baseA() {
    return `/scim/v2/${this.context.tenantA}`;
  }

  private userId(): string {
    const { usersA } = this.context;
    return usersA.length > 0 && this.random.chance(0.9)
      ? this.random.pick(usersA)
      : 'b5a1c3d4-0000-4000-8000-000000000000';
  }

  private groupId(): string {
    const { groupsA } = this.context;
    return groupsA.length > 0 && this.random.chance(0.9)
      ? this.random.pick(groupsA)
      : 'c6b2d4e5-0000-4000-8000-000000000000';
  }

  private headers(
    entra = false,
    extra: Record<string, string | string[]> = {},
  ): Record<string, string | string[]> {
    const token = entra ? this.context.entraTokenA : this.context.oktaTokenA;
    return {
      Authorization: `Bearer ${token}`,
      Accept: 'application/scim+json',
      'Content-Type': entra ? 'application/scim+json' : 'application/scim+json; charset=utf-8',
      'User-Agent': entra ? 'Azure AD SCIM Client' : 'Okta SCIM Client 1.0.0',
      ...extra,
    };
  }

  /** A valid body of the resource, as Okta or Entra would send it on a create or replace. */
  private validBody(
    resource: Resource,
    n: number,
    method: 'POST' | 'PUT',
    id?: string,
  ): { body: Json; entra: boolean } {
    const entra = this.random.chance(0.5);
    if (resource === 'Users') {
      const manager = this.context.usersA.length > 0 ? this.random.pick(this.context.usersA) : undefined;
      if (entra) return { body: entraUser(n, manager), entra };
      return { body: method === 'PUT' && id ? oktaPut(n, id) : oktaUser(n), entra };
    }
    const members =
      this.context.usersA.length > 0 && this.random.chance(0.5)
        ? [this.random.pick(this.context.usersA)]
        : [];
    return { body: entra ? entraGroup(n) : oktaGroup(n, members), entra };
  }

  /** The request for one resource write: a create or a replace of a known (or unknown) id. */
  private writeTarget(resource: Resource): { method: 'POST' | 'PUT'; path: string; id?: string } {
    if (this.random.chance(0.5)) return { method: 'POST', path: `${this.baseA}/${resource}` };
    const id = resource === 'Users' ? this.userId() : this.groupId();
    return { method: 'PUT', path: `${this.baseA}/${resource}/${id}`, id };
  }

  next(n: number): FuzzRequest {
    const generators: [number, (n: number) => FuzzRequest][] = [
      [14, (i) => this.plain(i)],
      [16, (i) => this.wrongType(i)],
      [9, (i) => this.wrongTypePatch(i)],
      [4, (i) => this.deepNesting(i)],
      [4, (i) => this.hugeStrings(i)],
      [6, (i) => this.controlCharacters(i)],
      [3, (i) => this.invalidUtf8(i)],
      [7, (i) => this.badFilters(i)],
      [8, (i) => this.badPatch(i)],
      [8, (i) => this.oddHeaders(i)],
      [7, (i) => this.oddPaths(i)],
      [3, (i) => this.truncatedJson(i)],
      [3, (i) => this.notObjects(i)],
      [5, (i) => this.crossTenant(i)],
      [3, (i) => this.bulk(i)],
    ];
    const total = generators.reduce((sum, [weight]) => sum + weight, 0);
    let roll = this.random.int(total);
    for (const [weight, generate] of generators) {
      if (roll < weight) return generate(n);
      roll -= weight;
    }
    throw new Error('unreachable');
  }

  /** Unmutated Okta and Entra traffic: it moves the tenant's state along. */
  private plain(n: number): FuzzRequest {
    const choice = this.random.int(6);
    const resource: Resource = this.random.chance(0.6) ? 'Users' : 'Groups';
    if (choice <= 1) {
      const target = this.writeTarget(resource);
      const { body, entra } = this.validBody(resource, n, target.method, target.id);
      return {
        n,
        kind: 'plain-write',
        method: target.method,
        path: target.path,
        headers: this.headers(entra),
        body: json(body),
        write: { resource, id: target.id },
      };
    }
    if (choice === 2) {
      const entra = this.random.chance(0.5);
      const id = resource === 'Users' ? this.userId() : this.groupId();
      const operations = resource === 'Users' ? userOperations(n) : groupOperations(n, this.context.usersA);
      return {
        n,
        kind: 'plain-patch',
        method: 'PATCH',
        path: `${this.baseA}/${resource}/${id}`,
        headers: this.headers(entra),
        body: json(patchOf(...this.random.pick(operations))),
        write: { resource, id },
      };
    }
    if (choice === 3 && this.random.chance(0.3)) {
      const id = resource === 'Users' ? this.userId() : this.groupId();
      return {
        n,
        kind: 'plain-delete',
        method: 'DELETE',
        path: `${this.baseA}/${resource}/${id}`,
        headers: this.headers(true),
        write: { resource, id },
      };
    }
    const path = this.random.pick(readPaths(n, this.userId(), this.groupId()));
    return {
      n,
      kind: 'plain-read',
      method: 'GET',
      path: `${this.baseA}${path}`,
      headers: this.headers(this.random.chance(0.5)),
    };
  }

  /** A valid create or replace with one value of the wrong type somewhere in the schema. */
  private wrongType(n: number): FuzzRequest {
    const resource: Resource = this.random.chance(0.7) ? 'Users' : 'Groups';
    const target = this.writeTarget(resource);
    const { body, entra } = this.validBody(resource, n, target.method, target.id);
    const slots = resource === 'Users' ? USER_SLOTS : GROUP_SLOTS;
    const changed: Slot[] = [];
    for (let k = 0; k < (this.random.chance(0.8) ? 1 : 3); k++) {
      const slot: Slot = this.random.pick(slots);
      setAt(body, slot.keys, anyValue(this.random));
      changed.push(slot);
    }
    const refuse = refusalOf(body, changed);
    return {
      n,
      kind: 'wrong-type',
      method: target.method,
      path: target.path,
      headers: this.headers(entra),
      body: json(body),
      refuse,
      write: { resource, id: target.id },
    };
  }

  /** PATCH replace/add of a single-valued attribute with a wrongly typed value, with and without a path. */
  private wrongTypePatch(n: number): FuzzRequest {
    const resource: Resource = this.random.chance(0.75) ? 'Users' : 'Groups';
    const slots = (resource === 'Users' ? USER_SLOTS : GROUP_SLOTS).filter(
      (s) => s.patchPath !== undefined && !s.definition.multiValued && s.definition.type !== 'complex',
    );
    const slot = this.random.pick(slots);
    const value = anyValue(this.random);
    const op = this.random.pick(['replace', 'Replace', 'add', 'Add']);
    const id = resource === 'Users' ? this.userId() : this.groupId();
    const operation = this.random.chance(0.6)
      ? { op, path: slot.patchPath, value }
      : { op, value: { [slot.patchPath as string]: value } };
    // Without a path, a sub-attribute can also be nested: {"name": {"givenName": 5}}.
    const nested =
      !('path' in operation) && slot.keys.length === 2 && this.random.chance(0.5)
        ? { op, value: { [slot.keys[0]]: { [slot.keys[1]]: value } } }
        : operation;
    const breaks = slot.writable && breaksType(slot.definition, value, true);
    return {
      n,
      kind: 'wrong-type-patch',
      method: 'PATCH',
      path: `${this.baseA}/${resource}/${id}`,
      headers: this.headers(this.random.chance(0.5)),
      body: json(patchOf(nested)),
      refuse: breaks
        ? `PATCH ${slot.patchPath} = ${JSON.stringify(value)} breaks type ${slot.definition.type}`
        : undefined,
      write: { resource, id },
    };
  }

  private deepNesting(n: number): FuzzRequest {
    const levels = this.random.pick([100, 1000, 1000, 5000, 100_000]);
    const shape = this.random.pick(['array', 'object', 'mixed'] as const);
    const text = deepText(levels, shape);
    // The oracle looks at most three levels down (attribute, element, sub-attribute).
    // Same parity of levels, so a 'mixed' value starts with the same kind (array or object) as the text.
    const nest = deep(levels % 2 === 0 ? 4 : 3, shape);
    const resource: Resource = this.random.chance(0.6) ? 'Users' : 'Groups';
    const where = this.random.int(4);
    if (where === 0) {
      // The whole body, or a PATCH value / filter.
      const kind = this.random.int(3);
      if (kind === 0)
        return {
          n,
          kind: 'deep-body',
          method: 'POST',
          path: `${this.baseA}/${resource}`,
          headers: this.headers(),
          body: Buffer.from(text, 'utf8'),
        };
      if (kind === 1) {
        const id = resource === 'Users' ? this.userId() : this.groupId();
        const path = this.random.pick([undefined, 'members', 'emails', 'name', 'displayName']);
        return {
          n,
          kind: 'deep-patch',
          method: 'PATCH',
          path: `${this.baseA}/${resource}/${id}`,
          headers: this.headers(),
          body: withDeep(patchOf({ op: 'add', ...(path ? { path } : {}), value: DEEP }), text),
          write: { resource, id },
        };
      }
      return {
        n,
        kind: 'deep-search',
        method: 'POST',
        path: `${this.baseA}/${resource}/.search`,
        headers: this.headers(),
        body: withDeep({ schemas: [SEARCH_URN], filter: DEEP, attributes: ['userName'] }, text),
      };
    }
    const target = this.writeTarget(resource);
    const { body, entra } = this.validBody(resource, n, target.method, target.id);
    const slot = this.random.pick(resource === 'Users' ? USER_SLOTS : GROUP_SLOTS);
    setAt(body, slot.keys, DEEP);
    return {
      n,
      kind: 'deep-attribute',
      method: target.method,
      path: target.path,
      headers: this.headers(entra),
      body: withDeep(body, text),
      refuse:
        slot.writable && breaksType(slot.definition, nest, slot.whole)
          ? `${slot.keys.join('.')} nested ${levels} deep`
          : undefined,
      write: { resource, id: target.id },
    };
  }

  private hugeStrings(n: number): FuzzRequest {
    const resource: Resource = this.random.chance(0.7) ? 'Users' : 'Groups';
    const target = this.writeTarget(resource);
    const { body, entra } = this.validBody(resource, n, target.method, target.id);
    const stringSlots = (resource === 'Users' ? USER_SLOTS : GROUP_SLOTS).filter(
      (s) =>
        s.definition.type === 'string' || s.definition.type === 'reference' || s.definition.type === 'binary',
    );
    let refuse: string | undefined;
    if (this.random.chance(0.3)) {
      // Many long strings at once: each within the attribute limit, together near the body limit.
      for (const slot of stringSlots.filter((s) => s.whole && !s.definition.multiValued).slice(0, 15)) {
        setAt(body, slot.keys, 'y'.repeat(MAX_STRING_LENGTH - 100));
      }
    } else {
      const slot = this.random.pick(stringSlots);
      const value = hugeString(this.random);
      setAt(body, slot.keys, value);
      if (slot.writable && value.length > MAX_STRING_LENGTH)
        refuse = `${slot.keys.join('.')} holds ${value.length} characters`;
    }
    let encoded = json(body);
    if (encoded.length > BODY_LIMIT) refuse = `the body is ${encoded.length} bytes`;
    if (this.random.chance(0.1)) {
      // Exactly at, or one byte over, the body limit (padding whitespace after the JSON).
      const size = this.random.pick([BODY_LIMIT, BODY_LIMIT + 1]);
      if (encoded.length < size)
        encoded = Buffer.concat([encoded, Buffer.alloc(size - encoded.length, 0x20)]);
      if (encoded.length > BODY_LIMIT) refuse = `the body is ${encoded.length} bytes`;
    }
    return {
      n,
      kind: 'huge-string',
      method: target.method,
      path: target.path,
      headers: this.headers(entra),
      body: encoded,
      refuse,
      write: { resource, id: target.id },
    };
  }

  private controlCharacters(n: number): FuzzRequest {
    const resource: Resource = this.random.chance(0.7) ? 'Users' : 'Groups';
    if (this.random.chance(0.25)) {
      const id = resource === 'Users' ? this.userId() : this.groupId();
      const path = this.random.pick(
        resource === 'Users'
          ? [
              'displayName',
              'title',
              'userName',
              'name.givenName',
              'emails[type eq "work"].value',
              `${ENTERPRISE_URN}:department`,
            ]
          : ['displayName', 'externalId'],
      );
      const value = controlString(this.random);
      return {
        n,
        kind: 'control-patch',
        method: 'PATCH',
        path: `${this.baseA}/${resource}/${id}`,
        headers: this.headers(),
        body: json(patchOf({ op: 'replace', path, value })),
        refuse: /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value)
          ? `PATCH ${path} = ${JSON.stringify(value)} is not well-formed Unicode`
          : undefined,
        write: { resource, id },
      };
    }
    if (this.random.chance(0.2)) {
      return {
        n,
        kind: 'control-filter',
        method: 'GET',
        path: `${this.baseA}/${resource}?filter=${uriComponent(`${resource === 'Users' ? 'userName' : 'displayName'} eq "`).replace(/%22$/, '"')}${uriComponent(controlString(this.random).replace(/[\ud800-\udfff]/g, ''))}%22`,
        headers: this.headers(),
      };
    }
    const target = this.writeTarget(resource);
    const { body, entra } = this.validBody(resource, n, target.method, target.id);
    const slots = (resource === 'Users' ? USER_SLOTS : GROUP_SLOTS).filter(
      (s) => s.definition.type === 'string',
    );
    const changed: Slot[] = [];
    for (let k = 0; k < this.random.between(1, 3); k++) {
      const slot = this.random.pick(slots);
      setAt(body, slot.keys, controlString(this.random));
      changed.push(slot);
    }
    const refuse = refusalOf(body, changed);
    // Keys with control characters and lone surrogates too.
    if (this.random.chance(0.3)) body[controlString(this.random)] = 'x';
    return {
      n,
      kind: 'control-chars',
      method: target.method,
      path: target.path,
      headers: this.headers(entra),
      body: json(body),
      refuse,
      write: { resource, id: target.id },
    };
  }

  private invalidUtf8(n: number): FuzzRequest {
    const resource: Resource = this.random.chance(0.7) ? 'Users' : 'Groups';
    const target = this.writeTarget(resource);
    const { body, entra } = this.validBody(resource, n, target.method, target.id);
    const marker = '@@BYTES@@';
    const slot = this.random.pick(
      (resource === 'Users' ? USER_SLOTS : GROUP_SLOTS).filter(
        (s) => s.definition.type === 'string' && s.whole,
      ),
    );
    setAt(body, slot.keys, `before${marker}after`);
    const text = JSON.stringify(body);
    const bytes = this.random.pick([
      [0xff],
      [0xfe, 0xff],
      [0xc3, 0x28],
      [0xe2, 0x28, 0xa1],
      [0xf0, 0x28, 0x8c, 0x28],
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xe2, 0x82],
      [0x80],
    ]);
    const [before, after] = text.split(marker);
    const raw = Buffer.concat([Buffer.from(before, 'utf8'), Buffer.from(bytes), Buffer.from(after, 'utf8')]);
    // Sometimes the bad bytes sit outside any string, or a UTF-16 body claims to be UTF-8.
    const encoded = this.random.chance(0.15)
      ? Buffer.concat([Buffer.from(bytes), raw])
      : this.random.chance(0.1)
        ? Buffer.from(text, 'utf16le')
        : raw;
    return {
      n,
      kind: 'invalid-utf8',
      method: target.method,
      path: target.path,
      headers: this.headers(entra),
      body: encoded,
      write: { resource, id: target.id },
    };
  }

  private badFilters(n: number): FuzzRequest {
    const resource: Resource = this.random.chance(0.6) ? 'Users' : 'Groups';
    const filter = badFilter(this.random);
    if (this.random.chance(0.3) || filter.length > 4000) {
      return {
        n,
        kind: 'bad-filter-search',
        method: 'POST',
        path: `${this.baseA}/${resource}/.search`,
        headers: this.headers(),
        body: json({
          schemas: [SEARCH_URN],
          filter: this.random.chance(0.9) ? filter : anyValue(this.random),
          startIndex: this.random.chance(0.7) ? 1 : anyValue(this.random),
          count: this.random.chance(0.7) ? 10 : anyValue(this.random),
          ...(this.random.chance(0.2)
            ? { attributes: anyValue(this.random), sortBy: anyValue(this.random) }
            : {}),
        }),
      };
    }
    const extra = this.random.chance(0.3)
      ? `&excludedAttributes=${this.random.pick(['members', 'x', '', 'members.value', '[', 'urn:x'])}`
      : '';
    return {
      n,
      kind: 'bad-filter',
      method: 'GET',
      path: `${this.baseA}/${resource}?filter=${uriComponent(filter)}${extra}`,
      headers: this.headers(this.random.chance(0.5)),
    };
  }

  private badPatch(n: number): FuzzRequest {
    const resource: Resource = this.random.chance(0.5) ? 'Users' : 'Groups';
    const id = resource === 'Users' ? this.userId() : this.groupId();
    const valid = this.random.pick(
      resource === 'Users' ? userOperations(n) : groupOperations(n, this.context.usersA),
    ) as Json[];
    const op = () =>
      this.random.pick<unknown>([
        'add',
        'replace',
        'remove',
        'Remove',
        'ADD',
        'delete',
        'move',
        'copy',
        'test',
        '',
        7,
        null,
        true,
        ['add'],
        { op: 'add' },
      ]);
    const shape = this.random.int(12);
    let body: unknown;
    switch (shape) {
      case 0:
        body = patchOf({
          op: this.random.pick(['add', 'replace', 'remove']),
          path: this.random.pick(BAD_PATCH_PATHS),
          value: this.random.chance(0.5) ? anyValue(this.random) : [{ value: this.userId() }],
        });
        break;
      case 1:
        body = patchOf({ op: this.random.pick(['remove', 'Remove']) }); // remove without path
        break;
      case 2:
        body = patchOf({ op: op(), path: 'displayName', value: 'x' });
        break;
      case 3:
        body = patchOf({ path: 'displayName', value: 'x' }); // no op
        break;
      case 4:
        body = {
          schemas: this.random.pick([
            [],
            ['urn:wrong'],
            'urn:ietf:params:scim:api:messages:2.0:PatchOp',
            null,
            5,
            [5],
          ]),
          Operations: valid,
        };
        break;
      case 5:
        body = {
          schemas: patchOf().schemas,
          Operations: this.random.pick([[], {}, null, 'add', 5, [null], [[]], [5], ['x']]),
        };
        break;
      case 6:
        body = patchOf(
          ...Array.from({ length: this.random.pick([999, 1000, 1001, 1500]) }, () => ({
            op: 'add',
            path: 'members',
            value: [{ value: this.userId() }],
          })),
        );
        break;
      case 7:
        body = patchOf({ op: 'add', path: this.random.pick([5, true, {}, [], null]), value: 'x' });
        break;
      case 8:
        body = patchOf({
          op: this.random.pick(['add', 'replace']),
          path: this.random.pick(['members', 'displayName', 'emails', 'name']),
        }); // no value
        break;
      case 9:
        body = patchOf({
          op: 'replace',
          value: this.random.pick([
            null,
            5,
            'x',
            [],
            [{ active: false }],
            { '': 1 },
            { 'members[value eq "x"]': [] },
            { 'emails[type eq "work"].value': 'x@y' },
          ]),
        });
        break;
      case 10:
        body = patchOf({
          op: 'remove',
          path: `members[value eq "${this.random.pick([this.userId(), '', '"', '\\"', 'x'.repeat(3000), '\u0000'])}"]`,
          value: this.random.chance(0.3) ? anyValue(this.random) : undefined,
        });
        break;
      default:
        body = patchOf(
          ...valid.map((operation) => ({
            ...operation,
            [this.random.pick(['op', 'path', 'value'])]: anyValue(this.random),
          })),
        );
    }
    return {
      n,
      kind: 'bad-patch',
      method: 'PATCH',
      path: `${this.baseA}/${resource}/${id}`,
      headers: this.headers(this.random.chance(0.5)),
      body: json(body),
      write: { resource, id },
    };
  }

  private oddHeaders(n: number): FuzzRequest {
    const resource: Resource = this.random.chance(0.6) ? 'Users' : 'Groups';
    const write = this.random.chance(0.6);
    const target = write ? this.writeTarget(resource) : undefined;
    const valid = write ? this.validBody(resource, n, target!.method, target!.id).body : undefined;
    const anyId = resource === 'Users' ? this.userId() : this.groupId();
    const method = target?.method ?? this.random.pick(['GET', 'GET', 'DELETE', 'PATCH']);
    const id = target?.id ?? anyId;
    const path = target?.path ?? `${this.baseA}/${resource}/${id}`;
    const headers = this.headers(this.random.chance(0.5));
    let parserLimit = false;
    const variant = this.random.int(9);
    switch (variant) {
      case 0:
        headers['Content-Type'] = this.random.pick([
          'text/plain',
          'application/xml',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/scim+json; charset=latin1',
          'application/json; charset=utf-16',
          'application/json; charset="utf-8"',
          'APPLICATION/SCIM+JSON',
          ';;;',
          '',
          'application/json, text/plain',
          'application/scim+json;charset=UTF-8;foo=bar',
          'json',
          '*/*',
          'application/*',
        ]);
        break;
      case 1:
        delete headers['Content-Type'];
        break;
      case 2:
        headers['Content-Type'] = [
          'application/scim+json',
          this.random.pick(['text/plain', 'application/json']),
        ];
        break;
      case 3:
        headers.Authorization = this.random.chance(0.5)
          ? [headers.Authorization as string, `Bearer ${this.context.tokenB}`]
          : this.random.pick([
              '',
              'Bearer',
              'Bearer ',
              'bearer x',
              'Basic dXNlcjpwYXNz',
              `Bearer  ${this.context.oktaTokenA}`,
              `bearer ${this.context.oktaTokenA}`,
              `Bearer ${this.context.oktaTokenA}x`,
              `Bearer ${'t'.repeat(4000)}`,
            ]);
        break;
      case 4: {
        const size = this.random.pick([4000, 7000, 20_000]);
        headers[this.random.pick(['X-Fuzz', 'If-Match', 'Accept', 'Content-Type'])] = 'h'.repeat(size);
        parserLimit = size > 8000;
        break;
      }
      case 5: {
        const current = this.context.etags.get(id) ?? 'W/"1"';
        const version = /"(.*)"/.exec(current)?.[1] ?? '1';
        const other = this.context.etags.get(
          this.random.pick([...this.context.usersA, ...this.context.groupsA, id]),
        );
        headers['If-Match'] = this.random.pick([
          current,
          current,
          `"${version}"`,
          `w/"${version}"`,
          `W/"${Number(version) - 1}"`,
          `W/"${version}", W/"x"`,
          ` ${current} `,
          other ?? current,
          `W/"${version}.0"`,
          `W/"0${version}"`,
          '*',
          'W/"x"',
          '"x"',
          '"unterminated',
          'W/',
          ', , ,',
          '"a", "b"',
          'W/"1", W/"2"',
          '',
          'not-quoted',
          `W/"${'9'.repeat(3000)}"`,
          '"\\"',
        ]);
        break;
      }
      case 6:
        headers['If-None-Match'] = this.random.pick([
          '*',
          'W/"x"',
          '"x"',
          '"unterminated',
          ',',
          'W/"1", *',
          this.context.etags.get(id) ?? 'W/"2"',
          `${this.context.etags.get(id) ?? 'W/"3"'}, W/"x"`,
        ]);
        break;
      case 7:
        headers.Accept = this.random.pick([
          'text/html',
          'application/xml',
          '*/*;q=0',
          'application/scim+json;q=0',
          'gibberish',
          '',
          'application/json;q=abc',
          '*/*',
          'application/*',
        ]);
        headers['Accept-Encoding'] = this.random.pick([
          'gzip',
          'br',
          'identity;q=0',
          '*;q=0',
          'gzip;q=abc',
          'x'.repeat(500),
        ]);
        break;
      default: {
        // A Content-Length of 0 or 1 on a write: the body the service gets is empty or one byte.
        const length = this.random.pick([0, 1]);
        const body = json(valid ?? patchOf({ op: 'replace', value: { displayName: `H${n}` } })).subarray(
          0,
          length,
        );
        return {
          n,
          kind: 'odd-header',
          method,
          path,
          headers: { ...headers, 'Content-Length': String(length) },
          body,
          write: { resource, id: target?.id ?? id },
        };
      }
    }
    return {
      n,
      kind: 'odd-header',
      method,
      path,
      headers,
      body: valid
        ? json(valid)
        : method === 'PATCH'
          ? json(patchOf({ op: 'replace', value: { displayName: `H${n}` } }))
          : undefined,
      write: method === 'GET' ? undefined : { resource, id: target?.id ?? id },
      parserLimit,
    };
  }

  private oddPaths(n: number): FuzzRequest {
    const { tenantA } = this.context;
    const encodedTenant = [...tenantA]
      .map((c, i) => (i % 2 === 0 ? `%${c.charCodeAt(0).toString(16)}` : c))
      .join('');
    const tenant = this.random.pick([
      tenantA,
      tenantA,
      encodedTenant,
      tenantA.toUpperCase(),
      `${tenantA}%2F..`,
      `${tenantA}%00`,
      `${tenantA}/`,
      `..%2F${tenantA}`,
      '',
      '%',
      `${tenantA}%20`,
    ]);
    const id = this.random.pick([
      this.userId(),
      'x'.repeat(this.random.pick([200, 1024, 5000])),
      '..',
      '%2e%2e',
      '.',
      '%00',
      '%ff',
      '%',
      'a%2Fb',
      '%C3%A9',
      '"',
      '%22%3E',
      ' ',
      '%20',
      '*',
      'null',
      '-1',
    ]);
    const resource = this.random.pick([
      'Users',
      'Groups',
      'users',
      'USERS',
      'Users/',
      'Users//',
      'Bulk',
      'Schemas',
      'ResourceTypes',
      'Me',
      '.search',
      'ServiceProviderConfig',
      'Nope',
    ]);
    const shape = this.random.int(5);
    let path: string;
    if (shape === 0) path = `/scim/v2/${tenant}/${resource}`;
    else if (shape === 1) path = `/scim/v2/${tenant}/${resource}/${id}`;
    else if (shape === 2) path = `/scim/v2/${tenant}/${resource}/${id}/extra/../..`;
    else if (shape === 3) path = `/scim/v2/${tenantA}/../${this.context.tenantB}/Users`;
    else {
      const params = Array.from({ length: this.random.between(1, 6) }, () => {
        const name = this.random.pick([
          'startIndex',
          'count',
          'filter',
          'attributes',
          'excludedAttributes',
          'sortBy',
          'sortOrder',
          'cursor',
          'count',
          'startIndex',
          'x',
          '',
        ]);
        const value =
          name === 'filter'
            ? uriComponent(this.random.chance(0.5) ? 'userName pr' : badFilter(this.random).slice(0, 300))
            : this.random.pick(ODD_NUMBERS);
        return `${name}=${value}`;
      });
      if (this.random.chance(0.2)) params.push('&&', '=', 'count', 'count==1');
      path = `/scim/v2/${tenantA}/${this.random.pick(['Users', 'Groups'])}?${params.join('&')}`;
    }
    const method = this.random.pick(['GET', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
    const body =
      method === 'GET' || method === 'HEAD' || method === 'DELETE' || method === 'OPTIONS'
        ? undefined
        : json(method === 'PATCH' ? patchOf({ op: 'replace', value: { displayName: 'P' } }) : oktaUser(n));
    return { n, kind: 'odd-path', method, path, headers: this.headers(), body };
  }

  private truncatedJson(n: number): FuzzRequest {
    const resource: Resource = this.random.chance(0.6) ? 'Users' : 'Groups';
    if (this.random.chance(0.3)) {
      const id = resource === 'Users' ? this.userId() : this.groupId();
      const text = JSON.stringify(
        patchOf(
          ...this.random.pick(
            resource === 'Users' ? userOperations(n) : groupOperations(n, this.context.usersA),
          ),
        ),
      );
      return {
        n,
        kind: 'truncated-json',
        method: 'PATCH',
        path: `${this.baseA}/${resource}/${id}`,
        headers: this.headers(),
        body: Buffer.from(text.slice(0, this.random.int(text.length))),
        write: { resource, id },
      };
    }
    const target = this.writeTarget(resource);
    const { body, entra } = this.validBody(resource, n, target.method, target.id);
    const text = JSON.stringify(body);
    const cut = this.random.chance(0.2) ? text.length - 1 : this.random.int(text.length);
    return {
      n,
      kind: 'truncated-json',
      method: target.method,
      path: target.path,
      headers: this.headers(entra),
      body: Buffer.from(text.slice(0, cut)),
      write: { resource, id: target.id },
    };
  }

  private notObjects(n: number): FuzzRequest {
    const resource: Resource = this.random.chance(0.6) ? 'Users' : 'Groups';
    const bodies = [
      'null',
      '1',
      '-0',
      '1e999',
      '"string"',
      'true',
      '[]',
      '[{}]',
      `[${JSON.stringify(oktaUser(n))}]`,
      '""',
      ' ',
      '\n',
      '\ufeff{}',
      '{}{}',
      '{"a":1}x',
      '{"a":1,}',
      "{'a':1}",
      '{"userName":"x","userName":"y"}',
      'NaN',
      '{"__proto__":{"active":"x"},"userName":"proto@example.com"}',
      '{"constructor":{"prototype":{"x":1}},"userName":"ctor@example.com"}',
    ];
    const raw = this.random.pick(bodies);
    const target = this.random.chance(0.3)
      ? {
          method: 'PATCH' as const,
          path: `${this.baseA}/${resource}/${resource === 'Users' ? this.userId() : this.groupId()}`,
        }
      : this.random.chance(0.2)
        ? {
            method: 'POST' as const,
            path: `${this.baseA}/${this.random.pick(['Users/.search', 'Groups/.search', 'Bulk'])}`,
          }
        : this.writeTarget(resource);
    const id = 'id' in target ? target.id : target.path.split('/')[5];
    return {
      n,
      kind: 'not-object',
      method: target.method,
      path: target.path,
      headers: this.headers(),
      body: Buffer.from(raw, 'utf8'),
      write: target.path.includes('.search') || target.path.endsWith('Bulk') ? undefined : { resource, id },
    };
  }

  /** Tenant A's tokens aimed at tenant B, and B's ids inside A's requests: all refused, B unchanged. */
  private crossTenant(n: number): FuzzRequest {
    const { tenantB, usersB, groupsB } = this.context;
    const userB = this.random.pick(usersB);
    const groupB = this.random.pick(groupsB);
    const shape = this.random.int(6);
    const headers = this.headers(this.random.chance(0.5));
    switch (shape) {
      case 0:
        return {
          n,
          kind: 'cross-tenant',
          method: this.random.pick(['GET', 'DELETE']),
          path: `/scim/v2/${tenantB}/Users/${userB}`,
          headers,
        };
      case 1:
        return {
          n,
          kind: 'cross-tenant',
          method: 'PATCH',
          path: `/scim/v2/${tenantB}/Groups/${groupB}`,
          headers,
          body: json(patchOf({ op: 'replace', path: 'members', value: [] })),
        };
      case 2:
        return {
          n,
          kind: 'cross-tenant',
          method: this.random.pick(['GET', 'DELETE', 'PUT']),
          path: `${this.baseA}/Users/${userB}`,
          headers,
          body: json(oktaUser(n)),
          write: { resource: 'Users', id: userB },
        };
      case 3:
        return {
          n,
          kind: 'cross-tenant',
          method: 'PATCH',
          path: `${this.baseA}/Groups/${this.groupId()}`,
          headers,
          body: json(
            patchOf({ op: this.random.pick(['add', 'replace']), path: 'members', value: [{ value: userB }] }),
          ),
          refuse: `tenant B's user ${userB} as a member in tenant A`,
          write: { resource: 'Groups', id: undefined },
        };
      case 4:
        return {
          n,
          kind: 'cross-tenant',
          method: 'POST',
          path: `${this.baseA}/Groups`,
          headers,
          body: json(oktaGroup(n, [userB])),
          refuse: `tenant B's user ${userB} as a member in tenant A`,
          write: { resource: 'Groups' },
        };
      default:
        return {
          n,
          kind: 'cross-tenant',
          method: 'GET',
          path: `${this.baseA}/Groups?filter=${uriComponent(`members[value eq "${userB}"]`)}`,
          headers,
        };
    }
  }

  private bulk(n: number): FuzzRequest {
    const operations = Array.from({ length: this.random.between(1, 4) }, (_, k) => {
      const shape = this.random.int(5);
      if (shape === 0)
        return { method: 'POST', path: '/Users', bulkId: `u${n}-${k}`, data: oktaUser(n * 10 + k) };
      if (shape === 1) {
        const body = oktaUser(n * 10 + k);
        const slot = this.random.pick(USER_SLOTS);
        setAt(body, slot.keys, anyValue(this.random));
        return { method: 'POST', path: '/Users', bulkId: `w${n}-${k}`, data: body };
      }
      if (shape === 2)
        return {
          method: 'PATCH',
          path: `/Groups/${this.groupId()}`,
          data: patchOf({
            op: 'add',
            path: 'members',
            value: [{ value: this.random.chance(0.7) ? `bulkId:u${n}-0` : this.userId() }],
          }),
        };
      if (shape === 3)
        return {
          method: this.random.pick(['DELETE', 'GET', 'PUT', 7]),
          path: this.random.pick([`/Users/${this.userId()}`, '/Nope', '', 5, `/Users/bulkId:u${n}-0`]),
        };
      return anyValue(this.random);
    });
    const body = this.random.chance(0.85)
      ? {
          schemas: [BULK_URN],
          failOnErrors: this.random.pick([undefined, 1, 0, -1, 'x']),
          Operations: operations,
        }
      : { schemas: [BULK_URN], Operations: this.random.pick([null, {}, 'x', []]) };
    return {
      n,
      kind: 'bulk',
      method: 'POST',
      path: `${this.baseA}/Bulk`,
      headers: this.headers(),
      body: json(body),
    };
  }
}

export { GROUP_URN, USER_URN };
