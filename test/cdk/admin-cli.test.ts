import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { AdminCreateUserCommand, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { type AdminCliDeps, runAdminCli, USAGE } from '../../bin/admin';

/** `npm run admin` (bin/admin.ts) with fake SDK clients: every command it sends is recorded, nothing leaves the process. */
function cli(
  answers: {
    stacks?: (command: DescribeStacksCommand) => unknown;
    cognito?: (command: AdminCreateUserCommand | ListUsersCommand) => unknown;
  } = {},
) {
  const sent: unknown[] = [];
  const regions: (string | undefined)[] = [];
  const out: string[] = [];
  const err: string[] = [];
  const reindexed: { table: string; region: string | undefined }[] = [];
  const deps: AdminCliDeps = {
    reindex: async (table, region, onPage) => {
      reindexed.push({ table, region });
      onPage({ scanned: 500, indexed: 120, skipped: 0 });
      return { scanned: 900, indexed: 200, skipped: 3 };
    },
    clients: (region) => {
      regions.push(region);
      return {
        cloudFormation: {
          send: async (command) => {
            sent.push(command);
            return answers.stacks ? answers.stacks(command) : STACK_ANSWER;
          },
        },
        cognito: {
          send: async (command) => {
            sent.push(command);
            return answers.cognito ? answers.cognito(command) : {};
          },
        },
      };
    },
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  };
  const run = (...argv: string[]) => runAdminCli(argv, deps);
  return { run, sent, regions, out, err, reindexed };
}

const POOL_ID = 'eu-west-1_AbCdEf123';
const STACK_ANSWER = {
  Stacks: [
    {
      StackName: 'Scim-prod-Data',
      Outputs: [
        { OutputKey: 'TableName', OutputValue: 'table' },
        { OutputKey: 'AdminUserPoolId', OutputValue: POOL_ID },
      ],
    },
  ],
};
const awsError = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('npm run admin -- add', () => {
  test('reads the pool id from the stage data stack, then creates the user with the tenant claim and an e-mailed password', async () => {
    const { run, sent, out, err } = cli();
    expect(await run('add', '--email', 'alice@example.com', '--tenant', 'acme', '--stage', 'prod')).toBe(0);
    expect(sent).toHaveLength(2);
    expect(sent[0]).toBeInstanceOf(DescribeStacksCommand);
    expect((sent[0] as DescribeStacksCommand).input).toEqual({ StackName: 'Scim-prod-Data' });
    expect(sent[1]).toBeInstanceOf(AdminCreateUserCommand);
    expect((sent[1] as AdminCreateUserCommand).input).toEqual({
      UserPoolId: POOL_ID,
      Username: 'alice@example.com',
      UserAttributes: [
        { Name: 'email', Value: 'alice@example.com' },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'custom:tenantId', Value: 'acme' },
      ],
      DesiredDeliveryMediums: ['EMAIL'],
    });
    expect(out.join('\n')).toMatch(/Created alice@example\.com \(tenant acme\) in eu-west-1_AbCdEf123/);
    expect(err).toEqual([]);
  });

  test('--user-pool-id skips the stack lookup; --region (also as --region=) reaches the clients', async () => {
    const { run, sent, regions } = cli();
    expect(
      await run(
        'add',
        '--email=bob@example.com',
        '--tenant=acme-2',
        '--user-pool-id',
        POOL_ID,
        '--region=eu-west-1',
      ),
    ).toBe(0);
    expect(sent).toHaveLength(1);
    expect((sent[0] as AdminCreateUserCommand).input.UserPoolId).toBe(POOL_ID);
    expect(regions).toEqual(['eu-west-1']);
  });

  test('without --region the SDK default chain decides', async () => {
    const { run, regions } = cli();
    await run('add', '--email', 'a@example.com', '--tenant', 'acme', '--stage', 'dev');
    expect(regions).toEqual([undefined]);
  });

  test('an existing user: exit 1 and says so (the tenant claim is immutable)', async () => {
    const { run, err } = cli({
      cognito: () => {
        throw awsError('UsernameExistsException', 'An account with the given email already exists.');
      },
    });
    expect(await run('add', '--email', 'alice@example.com', '--tenant', 'acme', '--stage', 'prod')).toBe(1);
    expect(err.join('\n')).toMatch(/alice@example\.com already exists in eu-west-1_AbCdEf123.*immutable/s);
  });

  test('a stage that is not deployed: exit 1, names the stack, creates nobody', async () => {
    const { run, sent, err } = cli({
      stacks: () => {
        throw awsError('ValidationError', 'Stack with id Scim-nope-Data does not exist');
      },
    });
    expect(await run('add', '--email', 'alice@example.com', '--tenant', 'acme', '--stage', 'nope')).toBe(1);
    expect(err.join('\n')).toMatch(/Stack Scim-nope-Data not found/);
    expect(sent.filter((c) => c instanceof AdminCreateUserCommand)).toEqual([]);
  });

  test('a stack without the AdminUserPoolId output: exit 1', async () => {
    const { run, err } = cli({ stacks: () => ({ Stacks: [{ Outputs: [] }] }) });
    expect(await run('add', '--email', 'alice@example.com', '--tenant', 'acme', '--stage', 'prod')).toBe(1);
    expect(err.join('\n')).toMatch(/no AdminUserPoolId output/);
  });

  test('any other AWS failure: exit 1 with its message', async () => {
    const { run, err } = cli({
      cognito: () => {
        throw awsError('AccessDeniedException', 'not authorized to perform cognito-idp:AdminCreateUser');
      },
    });
    expect(await run('add', '--email', 'a@example.com', '--tenant', 'acme', '--user-pool-id', POOL_ID)).toBe(
      1,
    );
    expect(err).toEqual(['Failed: not authorized to perform cognito-idp:AdminCreateUser']);
  });

  test.each([
    [['add', '--tenant', 'acme', '--stage', 'prod'], /Missing --email/],
    [['add', '--email', 'not-an-address', '--tenant', 'acme', '--stage', 'prod'], /Invalid --email/],
    [['add', '--email', 'a@example.com', '--stage', 'prod'], /Missing --tenant/],
    [
      ['add', '--email', 'a@example.com', '--tenant', 'Acme', '--stage', 'prod'],
      /Invalid --tenant "Acme".*a-z, 0-9/,
    ],
    [['add', '--email', 'a@example.com', '--tenant', 'a'.repeat(64), '--stage', 'prod'], /Invalid --tenant/],
    [['add', '--email', 'a@example.com', '--tenant', 'acme'], /Missing --stage \(or --user-pool-id\)/],
    [['add', '--email', 'a@example.com', '--tenant', 'acme', '--stage', 'pr od'], /Invalid --stage/],
    [
      ['add', '--email', 'a@example.com', '--tenant', 'acme', '--user-pool-id', 'nope'],
      /Invalid --user-pool-id/,
    ],
    [
      ['add', '--email', 'a@example.com', '--tenant', 'acme', '--stage', 'prod', '--tennant', 'x'],
      /Unknown option/,
    ],
    [
      ['add', 'extra', '--email', 'a@example.com', '--tenant', 'acme', '--stage', 'prod'],
      /Unexpected argument: extra/,
    ],
    [['remove', '--email', 'a@example.com'], /Unknown command: remove/],
    [[], /Missing command/],
  ])('%j: exit 2, the reason and the usage, no AWS call', async (argv, reason) => {
    const { run, sent, regions, err } = cli();
    expect(await run(...argv)).toBe(2);
    expect(err.join('\n')).toMatch(reason);
    expect(err.join('\n')).toContain(USAGE);
    expect(sent).toEqual([]);
    expect(regions).toEqual([]);
  });
});

describe('npm run admin -- --help', () => {
  test('prints the usage and exits 0', async () => {
    const { run, out, sent } = cli();
    expect(await run('--help')).toBe(0);
    expect(out).toEqual([USAGE]);
    expect(USAGE).toMatch(/add\s+--email <address> --tenant <tenantId>/);
    expect(sent).toEqual([]);
  });
});

describe('npm run admin -- list', () => {
  const user = (email: string, tenant: string | undefined, status = 'CONFIRMED') => ({
    Username: email,
    UserStatus: status,
    Enabled: true,
    UserCreateDate: new Date('2026-01-02T03:04:05Z'),
    Attributes: [
      { Name: 'email', Value: email },
      ...(tenant ? [{ Name: 'custom:tenantId', Value: tenant }] : []),
    ],
  });

  test("pages through the pool and prints only the tenant's admins", async () => {
    const { run, sent, out } = cli({
      cognito: (command) => {
        const token = (command as ListUsersCommand).input.PaginationToken;
        return token === undefined
          ? { Users: [user('a@acme.test', 'acme'), user('b@other.test', 'other')], PaginationToken: 'p2' }
          : { Users: [user('c@acme.test', 'acme', 'FORCE_CHANGE_PASSWORD'), user('d@none.test', undefined)] };
      },
    });
    expect(await run('list', '--tenant', 'acme', '--stage', 'prod')).toBe(0);
    const lists = sent.filter((c): c is ListUsersCommand => c instanceof ListUsersCommand);
    expect(lists.map((c) => c.input)).toEqual([
      { UserPoolId: POOL_ID, PaginationToken: undefined, Limit: 60 },
      { UserPoolId: POOL_ID, PaginationToken: 'p2', Limit: 60 },
    ]);
    expect(out).toEqual([
      'a@acme.test\tCONFIRMED\t2026-01-02T03:04:05.000Z',
      'c@acme.test\tFORCE_CHANGE_PASSWORD\t2026-01-02T03:04:05.000Z',
    ]);
  });

  test('a tenant without admins says so', async () => {
    const { run, out } = cli({ cognito: () => ({ Users: [user('b@other.test', 'other')] }) });
    expect(await run('list', '--tenant', 'acme', '--user-pool-id', POOL_ID)).toBe(0);
    expect(out).toEqual([`No admins of tenant acme in ${POOL_ID}.`]);
  });

  test('needs a valid --tenant', async () => {
    const { run, sent } = cli();
    expect(await run('list', '--tenant', 'ACME!', '--stage', 'prod')).toBe(2);
    expect(sent).toEqual([]);
  });
});

describe('npm run admin -- reindex', () => {
  test("backfills the table named by the stage's TableName output and reports the counts", async () => {
    const { run, sent, out, reindexed } = cli();
    expect(await run('reindex', '--stage', 'prod', '--region', 'eu-west-1')).toBe(0);
    expect((sent[0] as DescribeStacksCommand).input).toEqual({ StackName: 'Scim-prod-Data' });
    expect(reindexed).toEqual([{ table: 'table', region: 'eu-west-1' }]);
    expect(out.at(-1)).toMatch(
      /^Indexed 200 users of table \(3 without e-mail or rewritten meanwhile; 900 items scanned\)$/,
    );
  });

  test('--table skips the stack lookup; neither or both of --stage and --table is a usage error', async () => {
    const direct = cli();
    expect(await direct.run('reindex', '--table', 'scim-table')).toBe(0);
    expect(direct.sent).toEqual([]);
    expect(direct.reindexed).toEqual([{ table: 'scim-table', region: undefined }]);
    for (const argv of [['reindex'], ['reindex', '--table', 't', '--stage', 'prod']]) {
      const bad = cli();
      expect(await bad.run(...argv)).toBe(2);
      expect(bad.err.join('\n')).toContain('Give either --stage or --table');
      expect(bad.reindexed).toEqual([]);
    }
  });
});
