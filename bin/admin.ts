#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
  ListUsersCommand,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { assertTenantId } from '../lambdas/domain/tokens';
import type { BackfillProgress } from '../lambdas/store/email-index-backfill';
import { dataStackName } from '../lib/config';

/**
 * The operator's command for tenant admins of a deployed stage (docs/deploy.md):
 *
 *   npm run admin -- add --email alice@example.com --tenant acme --stage prod
 *   npm run admin -- list --tenant acme --stage prod
 *   npm run admin -- reindex --stage prod
 *
 * `add` creates the Cognito user with the immutable `custom:tenantId` claim; Cognito e-mails the
 * temporary password. The user pool id comes from the data stack's `AdminUserPoolId` output
 * (`--user-pool-id` skips the lookup). Credentials and region: the AWS SDK's default chain
 * (AWS_PROFILE, AWS_REGION, ...) or `--region`.
 */

export const USAGE = `Usage:
  npm run admin -- add  --email <address> --tenant <tenantId> (--stage <stage> | --user-pool-id <id>) [--region <region>]
  npm run admin -- list --tenant <tenantId> (--stage <stage> | --user-pool-id <id>) [--region <region>]
  npm run admin -- reindex (--stage <stage> | --table <name>) [--region <region>]

Commands:
  add    Create a tenant admin in the admin user pool. Cognito e-mails a temporary password; at the
         first sign-in the admin sets a password and registers a TOTP authenticator app.
  list   List the admins of a tenant (e-mail, status, created).
  reindex  Once after upgrading a table deployed before the console's e-mail search: give the users
         written before it the search index's keys (a Scan of the table; safe to run again).

Options:
  --email         The admin's e-mail address (also the user name).
  --tenant        The tenant the admin manages: 1-63 characters of a-z, 0-9 and -.
  --stage         The deployed stage; the user pool id is read from the stack Scim-<stage>-Data.
  --user-pool-id  The admin user pool id (skips the stack lookup).
  --table         The table name (reindex; skips the stack lookup of the TableName output).
  --region        AWS region (default: the SDK's, e.g. AWS_REGION or the profile's).
  --help          This text.`;

/** The AWS SDK clients the command sends with (tests pass fakes). */
export interface AdminCliClients {
  cognito: { send(command: AdminCreateUserCommand | ListUsersCommand): Promise<unknown> };
  cloudFormation: { send(command: DescribeStacksCommand): Promise<unknown> };
}
export interface AdminCliDeps {
  /** Builds the clients for `--region` (undefined: the SDK's default region chain). */
  clients(region: string | undefined): AdminCliClients;
  /** Runs the e-mail index backfill on a table (lambdas/store/email-index-backfill.ts). */
  reindex(
    table: string,
    region: string | undefined,
    onPage: (p: BackfillProgress) => void,
  ): Promise<BackfillProgress>;
  out(line: string): void;
  err(line: string): void;
}

/** A failure the operator can act on: printed as is, with its exit code. */
class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
const usageError = (message: string) => new CliError(`${message}\n\n${USAGE}`, 2);

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Runs the command; resolves to the process exit code (0 done, 1 AWS refused or failed, 2 bad arguments). */
export async function runAdminCli(argv: string[], deps: AdminCliDeps): Promise<number> {
  try {
    const args = parse(argv);
    if (args.help) {
      deps.out(USAGE);
      return 0;
    }
    const [command, ...rest] = args.positionals;
    if (rest.length > 0) throw usageError(`Unexpected argument: ${rest[0]}`);
    if (command !== 'add' && command !== 'list' && command !== 'reindex') {
      throw usageError(command ? `Unknown command: ${command}` : 'Missing command: add, list or reindex');
    }
    if (command === 'add') await add(args, deps);
    else if (command === 'list') await list(args, deps);
    else await reindex(args, deps);
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      deps.err(error.message);
      return error.exitCode;
    }
    deps.err(`Failed: ${awsMessage(error)}`);
    return 1;
  }
}

interface Args {
  positionals: string[];
  help: boolean;
  email?: string;
  tenant?: string;
  stage?: string;
  userPoolId?: string;
  table?: string;
  region?: string;
}

function parse(argv: string[]): Args {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        email: { type: 'string' },
        tenant: { type: 'string' },
        stage: { type: 'string' },
        'user-pool-id': { type: 'string' },
        table: { type: 'string' },
        region: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    return {
      positionals,
      help: values.help ?? false,
      email: values.email,
      tenant: values.tenant,
      stage: values.stage,
      userPoolId: values['user-pool-id'],
      table: values.table,
      region: values.region,
    };
  } catch (error) {
    throw usageError((error as Error).message);
  }
}

/** The tenant id, checked like the service checks it (lambdas/domain/tokens.ts). */
function tenantOf(args: Args): string {
  if (args.tenant === undefined) throw usageError('Missing --tenant');
  try {
    return assertTenantId(args.tenant);
  } catch (error) {
    throw usageError(`Invalid --tenant ${JSON.stringify(args.tenant)}: ${(error as Error).message}`);
  }
}

async function add(args: Args, deps: AdminCliDeps): Promise<void> {
  const email = args.email?.trim();
  if (email === undefined) throw usageError('Missing --email');
  if (!EMAIL.test(email)) throw usageError(`Invalid --email ${JSON.stringify(email)}: not an e-mail address`);
  const tenantId = tenantOf(args);
  checkPoolArguments(args);
  const clients = deps.clients(args.region);
  const userPoolId = await userPoolIdOf(args, clients);
  try {
    await clients.cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        // The pool signs in by e-mail (email is the user name attribute).
        Username: email,
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'custom:tenantId', Value: tenantId },
        ],
        DesiredDeliveryMediums: ['EMAIL'],
      }),
    );
  } catch (error) {
    if (errorName(error) === 'UsernameExistsException') {
      throw new CliError(
        `A user ${email} already exists in ${userPoolId}. Its tenant cannot change (custom:tenantId is immutable): ` +
          'to move it, delete the user and add it again.',
        1,
      );
    }
    throw error;
  }
  deps.out(
    `Created ${email} (tenant ${tenantId}) in ${userPoolId}. Cognito e-mails a temporary password; at the ` +
      'first sign-in the admin sets a password and registers a TOTP authenticator app.',
  );
}

async function list(args: Args, deps: AdminCliDeps): Promise<void> {
  const tenantId = tenantOf(args);
  checkPoolArguments(args);
  const clients = deps.clients(args.region);
  const userPoolId = await userPoolIdOf(args, clients);
  // ListUsers cannot filter on custom attributes: the admin pool is small, so page through it.
  const admins: UserType[] = [];
  let token: string | undefined;
  do {
    const page = (await clients.cognito.send(
      new ListUsersCommand({ UserPoolId: userPoolId, PaginationToken: token, Limit: 60 }),
    )) as { Users?: UserType[]; PaginationToken?: string };
    for (const user of page.Users ?? []) {
      if (attribute(user, 'custom:tenantId') === tenantId) admins.push(user);
    }
    token = page.PaginationToken;
  } while (token);
  if (admins.length === 0) {
    deps.out(`No admins of tenant ${tenantId} in ${userPoolId}.`);
    return;
  }
  for (const user of admins) {
    const created = user.UserCreateDate ? new Date(user.UserCreateDate).toISOString() : '-';
    const enabled = user.Enabled === false ? ' (disabled)' : '';
    deps.out(`${attribute(user, 'email') ?? user.Username}\t${user.UserStatus ?? '-'}${enabled}\t${created}`);
  }
}

const attribute = (user: UserType, name: string) => user.Attributes?.find((a) => a.Name === name)?.Value;

/** Either a well-formed --user-pool-id or a --stage, before any AWS call. */
function checkPoolArguments(args: Args): void {
  if (args.userPoolId !== undefined && !/^[\w-]+_[0-9a-zA-Z]+$/.test(args.userPoolId)) {
    throw usageError(`Invalid --user-pool-id ${JSON.stringify(args.userPoolId)}: e.g. eu-west-1_AbCdEf123`);
  }
  if (args.userPoolId === undefined && args.stage === undefined) {
    throw usageError('Missing --stage (or --user-pool-id)');
  }
  if (args.stage !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(args.stage)) {
    throw usageError(`Invalid --stage ${JSON.stringify(args.stage)}: letters, digits, - and _ only`);
  }
}

/** `--user-pool-id`, or the `AdminUserPoolId` output of the stage's data stack. */
async function userPoolIdOf(args: Args, clients: AdminCliClients): Promise<string> {
  if (args.userPoolId !== undefined) return args.userPoolId;
  return dataStackOutput(args.stage as string, 'AdminUserPoolId', '--user-pool-id', clients);
}

/** One output of the stage's data stack, with the errors an operator can act on. */
async function dataStackOutput(
  stage: string,
  key: string,
  flag: string,
  clients: AdminCliClients,
): Promise<string> {
  const stackName = dataStackName(stage);
  let answer: { Stacks?: { Outputs?: { OutputKey?: string; OutputValue?: string }[] }[] };
  try {
    answer = (await clients.cloudFormation.send(
      new DescribeStacksCommand({ StackName: stackName }),
    )) as typeof answer;
  } catch (error) {
    if (errorName(error) === 'ValidationError' && /does not exist/.test(awsMessage(error))) {
      throw new CliError(
        `Stack ${stackName} not found: is stage ${stage} deployed in this account and region? ` +
          `(set AWS_REGION or --region, or pass ${flag})`,
        1,
      );
    }
    throw error;
  }
  const value = answer.Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === key)?.OutputValue;
  if (!value) throw new CliError(`Stack ${stackName} has no ${key} output (is it deployed?)`, 1);
  return value;
}

async function reindex(args: Args, deps: AdminCliDeps): Promise<void> {
  if ((args.stage === undefined) === (args.table === undefined)) {
    throw usageError('Give either --stage or --table');
  }
  const table =
    args.table ??
    (await dataStackOutput(args.stage as string, 'TableName', '--table', deps.clients(args.region)));
  const done = await deps.reindex(table, args.region, (p) =>
    deps.out(`… ${p.scanned} items scanned, ${p.indexed} users indexed`),
  );
  deps.out(
    `Indexed ${done.indexed} users of ${table} (${done.skipped} without e-mail or rewritten meanwhile; ${done.scanned} items scanned)`,
  );
}

const errorName = (error: unknown) => (error as { name?: string } | undefined)?.name;
const awsMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

if (require.main === module) {
  runAdminCli(process.argv.slice(2), {
    clients: (region) => ({
      cognito: new CognitoIdentityProviderClient({ region }),
      cloudFormation: new CloudFormationClient({ region }),
    }),
    reindex: async (table, region, onPage) => {
      process.env.TABLE_NAME = table;
      if (region) process.env.AWS_REGION = region;
      const { backfillEmailIndex } = await import('../lambdas/store/email-index-backfill');
      return backfillEmailIndex({ onPage });
    },
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  }).then((code) => {
    process.exitCode = code;
  });
}
