#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { assertTenantId } from '../lambdas/domain/tokens';
import type { CheckReport, Finding } from '../lambdas/store/consistency-check';

/**
 * The operator's consistency check of one tenant (docs/operations.md, "Consistency checker"):
 *
 *   npm run check -- --tenant acme                                   # npm start's table (scim-local)
 *   npm run check -- --tenant acme --endpoint http://127.0.0.1:8123  # the DynamoDB Local npm start printed
 *   npm run check -- --tenant acme --table Scim-prod-Data-Table… --region eu-west-1   # a deployed table
 *
 * Read-only unless --repair. Credentials and region as in bin/admin.ts: the AWS SDK's default chain
 * (AWS_PROFILE, AWS_REGION, ...) or --region; with --endpoint (DynamoDB Local) fixed local ones.
 */

/** The table `npm start` uses (local/start.ts) when TABLE_NAME is not set. */
const LOCAL_TABLE = 'scim-local';

export const USAGE = `Usage:
  npm run check -- --tenant <tenantId> [--repair] [--table <name>] [--endpoint <url>] [--region <region>] [--json] [--page-size <n>]

Walks every item of one tenant page by page and reports each broken invariant of docs/data-model.md:
users and their userName guards, email and externalId edges; groups and their displayName guards and
externalId edges; membership edges and their twins; member counts; the tenant's users, groups and
tokens counters; token hashes; paging cursors; TTLs. Read-only unless --repair.

Options:
  --tenant     The tenant to check: 1-63 characters of a-z, 0-9 and -.
  --repair     Fix counts only: the tenant counters (one delta transaction each) and group member
               counts (a count delta, then a fold). Every other finding is reported, never changed.
  --table      The table (default: TABLE_NAME, else ${LOCAL_TABLE}, the table of npm start).
  --endpoint   A DynamoDB Local endpoint, e.g. the one npm start prints (default:
               AWS_ENDPOINT_URL_DYNAMODB, else AWS with the SDK's credential chain).
  --region     AWS region (default: the SDK's, e.g. AWS_REGION or the profile's).
  --json       Print the report as JSON (findings, stats, repaired) instead of lines.
  --page-size  Items per Scan page (default 500).
  --help       This text.

Exit codes: 0 no findings (or every finding repaired), 1 findings, 2 bad usage, 3 the check could not run.
A deployed table needs dynamodb:Scan, Query, GetItem and BatchGetItem on the table (--repair also
TransactWriteItems, ConditionCheckItem, PutItem, UpdateItem and BatchWriteItem).`;

export interface CheckCliDeps {
  /** Runs the check against the environment the CLI prepared (lambdas/store/consistency-check.ts). */
  check(
    tenantId: string,
    options: { repair: boolean; pageSize: number },
    progress: (line: string) => void,
  ): Promise<CheckReport>;
  env: NodeJS.ProcessEnv;
  out(line: string): void;
  err(line: string): void;
}

class UsageError extends Error {}

/** Runs the command; resolves to the process exit code (see USAGE). */
export async function runCheckCli(argv: string[], deps: CheckCliDeps): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
    if (args.help) {
      deps.out(USAGE);
      return 0;
    }
  } catch (error) {
    deps.err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { env } = deps;
  env.TABLE_NAME = args.table ?? env.TABLE_NAME ?? LOCAL_TABLE;
  if (args.region) env.AWS_REGION = args.region;
  if (args.endpoint) {
    env.AWS_ENDPOINT_URL_DYNAMODB = args.endpoint;
    // DynamoDB Local accepts any credentials; a developer machine may have none.
    env.AWS_REGION ??= 'us-east-1';
    env.AWS_ACCESS_KEY_ID ??= 'local';
    env.AWS_SECRET_ACCESS_KEY ??= 'local';
  }
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const where = `${env.TABLE_NAME}${env.AWS_ENDPOINT_URL_DYNAMODB ? ` at ${env.AWS_ENDPOINT_URL_DYNAMODB}` : ''}`;
  let report: CheckReport;
  try {
    report = await deps.check(args.tenant, { repair: args.repair, pageSize: args.pageSize }, deps.err);
  } catch (error) {
    const name = (error as { name?: string } | undefined)?.name;
    const message = error instanceof Error ? error.message : String(error);
    deps.err(
      name === 'ResourceNotFoundException'
        ? `Table ${where} not found (give --table, and --endpoint for DynamoDB Local or --region for AWS)`
        : `Check of tenant ${args.tenant} in ${where} failed: ${message}`,
    );
    return 3;
  }
  const repaired = new Set(report.repaired.map(key));
  const open = report.findings.filter((f) => !repaired.has(key(f)));
  if (args.json) deps.out(JSON.stringify(report, null, 2));
  else {
    for (const f of report.findings) deps.out(line(f, repaired.has(key(f))));
    const stats = Object.entries(report.stats)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    deps.out(
      `Tenant ${args.tenant} in ${where}: ${report.findings.length} findings` +
        `${args.repair ? `, ${report.repaired.length} repaired` : ''} (${stats})`,
    );
  }
  return open.length === 0 ? 0 : 1;
}

const key = (f: Finding) => `${f.kind}|${f.keys.map((k) => `${k.pk}|${k.sk}`).join('|')}`;
const line = (f: Finding, repaired: boolean) =>
  `${repaired ? 'REPAIRED ' : ''}${f.kind}: ${f.message} [${f.keys.map((k) => `${k.pk} / ${k.sk}`).join(', ')}]`;

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      tenant: { type: 'string' },
      repair: { type: 'boolean' },
      table: { type: 'string' },
      endpoint: { type: 'string' },
      region: { type: 'string' },
      json: { type: 'boolean' },
      'page-size': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { help: true } as const;
  if (positionals.length > 0) throw new UsageError(`Unexpected argument: ${positionals[0]}`);
  if (values.tenant === undefined) throw new UsageError('Missing --tenant');
  let tenant: string;
  try {
    tenant = assertTenantId(values.tenant);
  } catch (error) {
    throw new UsageError(`Invalid --tenant ${JSON.stringify(values.tenant)}: ${(error as Error).message}`);
  }
  if (values.endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(values.endpoint)) {
    throw new UsageError(`Invalid --endpoint ${JSON.stringify(values.endpoint)}: e.g. http://127.0.0.1:8000`);
  }
  if (values.table !== undefined && !/^[A-Za-z0-9_.-]{3,255}$/.test(values.table)) {
    throw new UsageError(`Invalid --table ${JSON.stringify(values.table)}: 3-255 of A-Z, a-z, 0-9, _ . -`);
  }
  const pageSize = values['page-size'] === undefined ? 500 : Number(values['page-size']);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 10_000) {
    throw new UsageError(`Invalid --page-size ${JSON.stringify(values['page-size'])}: 1 to 10000`);
  }
  return {
    help: false,
    tenant,
    repair: values.repair ?? false,
    table: values.table,
    endpoint: values.endpoint,
    region: values.region,
    json: values.json ?? false,
    pageSize,
  } as const;
}

if (require.main === module) {
  runCheckCli(process.argv.slice(2), {
    // Loaded after the environment is set: the store reads TABLE_NAME and the endpoint when it runs.
    check: async (tenantId, options, progress) => {
      const { checkTenant } = await import('../lambdas/store/consistency-check');
      return checkTenant(tenantId, { ...options, progress });
    },
    env: process.env,
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  }).then((code) => {
    process.exitCode = code;
  });
}
