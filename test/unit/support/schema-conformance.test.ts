import {
  ENTERPRISE_USER_SCHEMA_URN,
  USER_SCHEMA_URN,
  userResourceSchema,
} from '../../../lambdas/scim/schemas';
import { schemaViolations } from '../../support/schema-conformance';

/** The checker the property tests rely on must itself see what is wrong. */
const schema = userResourceSchema();
const user = (extra: Record<string, unknown>) => ({
  schemas: [USER_SCHEMA_URN],
  id: 'u1',
  userName: 'ada',
  ...extra,
});

describe('schemaViolations', () => {
  test('a well-typed user has none', () => {
    expect(
      schemaViolations(
        user({
          active: true,
          name: { givenName: 'Ada' },
          emails: [{ value: 'a@b.example', primary: true }],
          externalId: 'x',
          [ENTERPRISE_USER_SCHEMA_URN]: { department: 'R&D' },
        }),
        schema,
      ),
    ).toEqual([]);
  });

  test.each([
    [{ userName: 4242 }, 'userName must be of type string'],
    [{ active: 'true' }, 'active must be of type boolean'],
    [{ emails: { value: 'x' } }, 'emails must be an array'],
    [{ emails: ['x'] }, 'emails[0] must be of type complex'],
    [{ name: { givenName: 7 } }, 'name.givenName must be of type string'],
    [{ name: { nick: 'x' } }, 'name.nick is not a sub-attribute'],
    [{ shoeSize: 42 }, 'shoeSize is not an attribute'],
    [
      { [ENTERPRISE_USER_SCHEMA_URN]: { department: 1 } },
      `${ENTERPRISE_USER_SCHEMA_URN}:department must be of type string`,
    ],
  ])('%j is reported', (extra, problem) => {
    expect(schemaViolations(user(extra), schema).join('; ')).toContain(problem);
  });
});
