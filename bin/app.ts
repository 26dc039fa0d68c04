#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ApiStack } from '../lib/api-stack';
import { apiStackName, dataStackName, readDeploymentConfig } from '../lib/config';
import { consoleAssetPath } from '../lib/constructs/console-hosting';
import { DataStack } from '../lib/data-stack';

/**
 * The CDK app: the stateful stack (table, admin user pool) and the stateless one (functions, APIs).
 * Settings come from context (`-c stage=prod`, ...): lib/config.ts, docs/operations-deploy.md.
 */
const app = new App();
/** A bad setting (a production stage with placeholders, a missing console build) is one readable line, not a stack trace. */
function orExit<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
}
const config = orExit(() => readDeploymentConfig(app.node));
orExit(() => consoleAssetPath(config.consoleAssetDir));
const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };

const data = new DataStack(app, dataStackName(config.stage), {
  env,
  config,
  description: `SCIM provisioning (${config.stage}): table and admin user pool (stateful, retained)`,
});
// The API stack also hosts the admin console: the built web/dist must exist (`npm run build:web`,
// docs/deploy.md); synth fails with that message otherwise and never builds it itself.
new ApiStack(app, apiStackName(config.stage), {
  env,
  description: `SCIM provisioning (${config.stage}): SCIM API, admin API, functions, admin console`,
  table: data.table,
  adminUserPool: data.adminUserPool,
  adminUserPoolDomain: data.adminUserPoolDomain,
  config,
});

// cdk-nag 3: a validation plugin; unacknowledged AwsSolutions errors fail the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
