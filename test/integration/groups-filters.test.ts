import { randomUUID } from 'node:crypto';
import { startTestService, type TestService } from '../support/service';
import {
  type CreatedUser,
  createGroup,
  createUsers,
  filterQuery,
  GROUP,
  LIST,
  newTenant,
  SEARCH,
  scimError,
  type Tenant,
} from './groups-helpers';

/** Filters, paging, projection, compression and discovery of /Groups. */
let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.stop());

// biome-ignore lint/suspicious/noExplicitAny: SCIM bodies are inspected freely
const idsOf = (response: { body: any }) =>
  (response.body.Resources as { id: string }[]).map((r) => r.id).sort();

describe('filters on groups', () => {
  // Read-only tests share one tenant: Alpha {u1,u2} ext-a, Beta {u2} ext-b, Gamma {}, Delta {u3}.
  let t: Tenant;
  let u1: CreatedUser;
  let u2: CreatedUser;
  let u3: CreatedUser;
  // biome-ignore lint/suspicious/noExplicitAny: SCIM bodies
  let alpha: any;
  // biome-ignore lint/suspicious/noExplicitAny: SCIM bodies
  let beta: any;
  // biome-ignore lint/suspicious/noExplicitAny: SCIM bodies
  let gamma: any;
  // biome-ignore lint/suspicious/noExplicitAny: SCIM bodies
  let delta: any;
  beforeAll(async () => {
    t = await newTenant(service, 'filters');
    [u1, u2, u3] = await createUsers(t, 3);
    const create = async (displayName: string, externalId: string | undefined, members: string[]) => {
      const response = await t.call('POST', '/Groups', {
        schemas: [GROUP],
        displayName,
        ...(externalId ? { externalId } : {}),
        members: members.map((value) => ({ value })),
      });
      return response.body;
    };
    alpha = await create('Alpha', 'ext-a', [u1.id, u2.id]);
    beta = await create('Beta', 'ext-b', [u2.id]);
    gamma = await create('Gamma', undefined, []);
    delta = await create('Delta', undefined, [u3.id]);
  });

  const find = (filter: string, extra = '') => t.call('GET', `/Groups?${filterQuery(filter)}${extra}`);

  test('displayName eq matches case-insensitively', async () => {
    const response = await find('displayName eq "ALPHA"');

    expect(response.status).toBe(200);
    expect(response.body.totalResults).toBe(1);
    expect(idsOf(response)).toEqual([alpha.id]);
  });

  test('externalId eq finds the group carrying it', async () => {
    expect(idsOf(await find('externalId eq "ext-b"'))).toEqual([beta.id]);
  });

  test('id eq finds exactly that group', async () => {
    expect(idsOf(await find(`id eq "${gamma.id}"`))).toEqual([gamma.id]);
  });

  test('members[value eq "<id>"] finds the groups of that user', async () => {
    expect(idsOf(await find(`members[value eq "${u2.id}"]`))).toEqual([alpha.id, beta.id].sort());
    expect(idsOf(await find(`members[value eq "${u1.id}"]`))).toEqual([alpha.id]);
    expect(idsOf(await find(`members[value eq "${u3.id}"]`))).toEqual([delta.id]);
    expect(idsOf(await find(`members.value eq "${u1.id}"`))).toEqual([alpha.id]);
  });

  test('conditions combined with and must all hold', async () => {
    expect(idsOf(await find(`displayName eq "Alpha" and members[value eq "${u1.id}"]`))).toEqual([alpha.id]);
    expect((await find(`displayName eq "Beta" and members[value eq "${u1.id}"]`)).body.totalResults).toBe(0);
    expect(idsOf(await find('externalId eq "ext-a" and displayName eq "alpha"'))).toEqual([alpha.id]);
    expect((await find('externalId eq "ext-a" and displayName eq "Beta"')).body.totalResults).toBe(0);
    expect(idsOf(await find(`id eq "${beta.id}" and externalId eq "ext-b"`))).toEqual([beta.id]);
  });

  test('filters no index serves are evaluated over the whole tenant', async () => {
    expect(idsOf(await find('displayName sw "a"'))).toEqual([alpha.id]);
    expect(idsOf(await find('displayName co "a"'))).toEqual([alpha.id, beta.id, gamma.id, delta.id].sort());
    expect(idsOf(await find('not (externalId pr)'))).toEqual([gamma.id, delta.id].sort());
  });

  test('member conditions under or and not are exact, though members are never loaded whole', async () => {
    expect(idsOf(await find(`members[value eq "${u1.id}" or value eq "${u3.id}"]`))).toEqual(
      [alpha.id, delta.id].sort(),
    );
    expect(idsOf(await find(`members[value eq "${u1.id}"] or members[value eq "${u3.id}"]`))).toEqual(
      [alpha.id, delta.id].sort(),
    );
    expect(idsOf(await find(`members[value eq "${u1.id}"] or externalId eq "ext-b"`))).toEqual(
      [alpha.id, beta.id].sort(),
    );
    expect(idsOf(await find(`not (members[value eq "${u2.id}"])`))).toEqual([gamma.id, delta.id].sort());
    expect(idsOf(await find(`displayName eq "Alpha" and not (members[value eq "${u1.id}"])`))).toEqual([]);
  });

  test('members pr finds the groups that have members; not (members pr) the empty ones', async () => {
    expect(idsOf(await find('members pr'))).toEqual([alpha.id, beta.id, delta.id].sort());
    expect(idsOf(await find('not (members pr)'))).toEqual([gamma.id]);
    expect(idsOf(await find(`members pr and not (members[value eq "${u2.id}"])`))).toEqual([delta.id]);
  });

  test.each([
    ['members[display eq "member 0"]'],
    ['members.display co "member"'],
    ['members[not (value eq "x")]'],
    ['members.value ne "x"'],
  ])('a member condition that would need every member (%s) is a 400 invalidFilter', async (filter) => {
    const response = await find(filter);

    expect(response.status).toBe(400);
    expect(response.body).toEqual(scimError(400, 'invalidFilter'));
  });

  test('a random GUID matches nothing, for every indexed attribute', async () => {
    const guid = randomUUID();
    for (const filter of [
      `id eq "${guid}"`,
      `displayName eq "${guid}"`,
      `externalId eq "${guid}"`,
      `members[value eq "${guid}"]`,
    ]) {
      const response = await find(filter);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        schemas: [LIST],
        totalResults: 0,
        startIndex: 1,
        itemsPerPage: 0,
        Resources: [],
      });
    }
  });

  test.each([
    ['a missing value', 'displayName eq'],
    ['an unknown operator', 'displayName is "Alpha"'],
    ['an unclosed parenthesis', '(displayName eq "Alpha"'],
    ['an unterminated string', 'displayName eq "Alpha'],
    ['an unclosed value filter', 'members[value eq "x"'],
  ])('a malformed filter (%s) is a 400 invalidFilter', async (_name, filter) => {
    const response = await find(filter);

    expect(response.status).toBe(400);
    expect(response.body).toEqual(scimError(400, 'invalidFilter'));
  });

  test('a filtered list pages with an exact totalResults', async () => {
    const first = await find(`members[value eq "${u2.id}"]`, '&startIndex=1&count=1');
    const second = await find(`members[value eq "${u2.id}"]`, '&startIndex=2&count=1');

    expect(first.body).toEqual(expect.objectContaining({ totalResults: 2, startIndex: 1, itemsPerPage: 1 }));
    expect(second.body).toEqual(expect.objectContaining({ totalResults: 2, startIndex: 2, itemsPerPage: 1 }));
    expect([...idsOf(first), ...idsOf(second)].sort()).toEqual([alpha.id, beta.id].sort());
  });

  test('POST /Groups/.search takes the filter, paging and projection in its body', async () => {
    const response = await t.call('POST', '/Groups/.search', {
      schemas: [SEARCH],
      filter: `members[value eq "${u2.id}"]`,
      startIndex: 1,
      count: 10,
      excludedAttributes: ['members'],
    });

    expect(response.status).toBe(200);
    expect(response.body.totalResults).toBe(2);
    expect(idsOf(response)).toEqual([alpha.id, beta.id].sort());
    for (const resource of response.body.Resources) expect(resource.members).toBeUndefined();
  });

  test('lists return members in full unless excluded; attributes narrows each group', async () => {
    const full = await find('displayName eq "Alpha"');
    const excluded = await find('displayName eq "Alpha"', '&excludedAttributes=members');
    const narrowed = await find('displayName eq "Alpha"', '&attributes=displayName');
    const memberValues = await find('displayName eq "Alpha"', '&attributes=members.value');

    const members = [...full.body.Resources[0].members].sort((a, b) => a.value.localeCompare(b.value));
    const expected = [u1, u2]
      .map((u) => ({ value: u.id, display: u.displayName, $ref: `${t.base}/Users/${u.id}`, type: 'User' }))
      .sort((a, b) => a.value.localeCompare(b.value));
    expect(members).toEqual(expected);
    expect(excluded.body.Resources[0].members).toBeUndefined();
    expect(excluded.body.Resources[0].meta.location).toBe(`${t.base}/Groups/${alpha.id}`);
    expect(narrowed.body.Resources).toEqual([{ schemas: [GROUP], id: alpha.id, displayName: 'Alpha' }]);
    expect(memberValues.body.Resources[0].displayName).toBeUndefined();
    expect(
      memberValues.body.Resources[0].members.map((m: Record<string, unknown>) => Object.keys(m)),
    ).toEqual([['value'], ['value']]);
  });

  test('GET /Groups/{id}?excludedAttributes=members returns no members; a plain GET returns them all', async () => {
    const without = await t.call('GET', `/Groups/${alpha.id}?excludedAttributes=members`);
    const withMembers = await t.call('GET', `/Groups/${alpha.id}`);

    expect(without.status).toBe(200);
    expect(without.body.members).toBeUndefined();
    expect(without.body.displayName).toBe('Alpha');
    expect(withMembers.body.members).toHaveLength(2);
  });

  test('with Accept-Encoding: gzip, single groups and lists are compressed and decode correctly', async () => {
    const gzip = { 'Accept-Encoding': 'gzip' };

    const single = await t.call('GET', `/Groups/${alpha.id}`, undefined, gzip);
    const list = await t.call('GET', '/Groups?excludedAttributes=members', undefined, gzip);
    // Node's fetch asks for gzip by itself: `identity` is how a client declines compression.
    const plain = await t.call('GET', `/Groups/${alpha.id}`, undefined, { 'Accept-Encoding': 'identity' });

    expect(single.headers.get('content-encoding')).toBe('gzip');
    expect(single.headers.get('vary')).toBe('Accept-Encoding');
    expect(single.body).toEqual(plain.body);
    expect(list.headers.get('content-encoding')).toBe('gzip');
    expect(list.body.totalResults).toBe(4);
    expect(plain.headers.get('content-encoding')).toBeNull();
  });
});

describe('paging of groups', () => {
  test('startIndex/count walk every group once in a stable order with an exact totalResults', async () => {
    const t = await newTenant(service, 'paging');
    const names = ['delta', 'Alpha', 'echo', 'Charlie', 'bravo', 'Golf', 'foxtrot'];
    const created = [];
    for (const name of names) created.push(await createGroup(t, name));

    const pages = [];
    for (const startIndex of [1, 4, 7]) {
      pages.push(await t.call('GET', `/Groups?startIndex=${startIndex}&count=3&excludedAttributes=members`));
    }
    const again = await t.call('GET', '/Groups?startIndex=4&count=3');

    expect(pages.map((p) => p.body.totalResults)).toEqual([7, 7, 7]);
    expect(pages.map((p) => p.body.startIndex)).toEqual([1, 4, 7]);
    expect(pages.map((p) => p.body.itemsPerPage)).toEqual([3, 3, 1]);
    const walked = pages.flatMap((p) => p.body.Resources.map((r: { displayName: string }) => r.displayName));
    expect(walked).toEqual(['Alpha', 'bravo', 'Charlie', 'delta', 'echo', 'foxtrot', 'Golf']);
    expect(again.body.Resources.map((r: { id: string }) => r.id)).toEqual(
      pages[1].body.Resources.map((r: { id: string }) => r.id),
    );
    expect(new Set(walked.map((n: string) => n.toLowerCase())).size).toBe(created.length);
  });

  test('count=0 answers the total only; a startIndex past the end answers no resources', async () => {
    const t = await newTenant(service, 'paging-edges');
    for (const name of ['one', 'two', 'three']) await createGroup(t, name);

    const countOnly = await t.call('GET', '/Groups?count=0');
    const pastEnd = await t.call('GET', '/Groups?startIndex=10&count=5');

    expect(countOnly.body).toEqual({
      schemas: [LIST],
      totalResults: 3,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
    expect(pastEnd.body).toEqual({
      schemas: [LIST],
      totalResults: 3,
      startIndex: 10,
      itemsPerPage: 0,
      Resources: [],
    });
  });

  test('totalResults follows creates and deletes', async () => {
    const t = await newTenant(service, 'paging-count');
    const first = await createGroup(t, 'first');
    await createGroup(t, 'second');
    await t.call('DELETE', `/Groups/${first.id}`);

    const response = await t.call('GET', '/Groups');

    expect(response.body.totalResults).toBe(1);
    expect(response.body.Resources.map((r: { displayName: string }) => r.displayName)).toEqual(['second']);
  });
});

describe('discovery', () => {
  test('/Schemas holds the Group schema with displayName and members', async () => {
    const t = await newTenant(service, 'disc-schemas');

    const list = await t.call('GET', '/Schemas');
    const single = await t.call('GET', `/Schemas/${GROUP}`);

    expect(list.status).toBe(200);
    const group = list.body.Resources.find((s: { id: string }) => s.id === GROUP);
    expect(group).toBeDefined();
    const names = group.attributes.map((a: { name: string }) => a.name);
    expect(names).toEqual(expect.arrayContaining(['displayName', 'members']));
    const members = group.attributes.find((a: { name: string }) => a.name === 'members');
    expect(members.multiValued).toBe(true);
    expect(members.subAttributes.map((a: { name: string }) => a.name)).toEqual(
      expect.arrayContaining(['value', '$ref', 'display', 'type']),
    );
    expect(single.status).toBe(200);
    expect(single.body.id).toBe(GROUP);
  });

  test('/ResourceTypes/Group points at /Groups and the Group schema', async () => {
    const t = await newTenant(service, 'disc-types');

    const response = await t.call('GET', '/ResourceTypes/Group');
    const all = await t.call('GET', '/ResourceTypes');

    expect(response.status).toBe(200);
    expect(response.body).toEqual(
      expect.objectContaining({ id: 'Group', name: 'Group', endpoint: '/Groups', schema: GROUP }),
    );
    expect(all.body.Resources.map((r: { id: string }) => r.id)).toEqual(
      expect.arrayContaining(['User', 'Group']),
    );
  });
});
