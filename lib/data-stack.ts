import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { TABLE_DEFINITION, type TableDefinition } from '../lambdas/store/table-definition';
import { adminDomainPrefixFor, type DeploymentConfig, readDeploymentConfig } from './config';

export interface DataStackProps extends StackProps {
  /** @default read from the app's context (readDeploymentConfig) */
  config?: DeploymentConfig;
}

/**
 * The stateful stack: what must survive a redeploy or a `cdk destroy` of the API stack.
 * - the single DynamoDB table, built from TABLE_DEFINITION (the local runtime and the integration
 *   tests build theirs from the same object);
 * - the Cognito user pool of the admin API (its users are state too: replacing the API stack must
 *   not sign every tenant admin out for good).
 * Both are retained on deletion and carry deletion protection. The pool's managed-login domain lives
 * here too (it depends on the pool only); the console's OAuth app client lives in the API stack, next
 * to the CloudFront distribution whose URL is its callback (no cross-stack cycle).
 */
export class DataStack extends Stack {
  readonly table: dynamodb.Table;
  readonly adminUserPool: cognito.UserPool;
  readonly adminUserPoolClient: cognito.UserPoolClient;
  /** Managed login (version 2) of the admin pool: the console's sign-in pages. */
  readonly adminUserPoolDomain: cognito.UserPoolDomain;

  constructor(scope: Construct, id: string, props: DataStackProps = {}) {
    super(scope, id, props);
    const config = props.config ?? readDeploymentConfig(this.node);
    this.table = buildTable(this, TABLE_DEFINITION);

    this.adminUserPool = new cognito.UserPool(this, 'AdminUserPool', {
      // Tenant admins are created by the operator (docs/operations-deploy.md), never by sign-up.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      // The admin API compares this claim with the path's tenant. Immutable: once a user is created,
      // nobody (not the user, not a compromised client) can move them to another tenant.
      customAttributes: { tenantId: new cognito.StringAttribute({ minLen: 1, maxLen: 63, mutable: false }) },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // An admin can mint SCIM tokens (write access to a tenant's directory): TOTP is required.
      // SMS is off so the pool needs no SNS role or spend limit.
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { sms: false, otp: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.adminUserPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'The admin pool holds a handful of operators per tenant with TOTP MFA required and no self sign-up; ' +
        'the Plus tier (threat protection) is priced per MAU and left to the operator to enable.',
    });

    this.adminUserPoolClient = this.adminUserPool.addClient('AdminConsoleClient', {
      // A browser client: no secret; SRP keeps the password off the wire.
      generateSecret: false,
      authFlows: { userSrp: true },
      // No hosted-UI OAuth flows (CDK would otherwise enable implicit + code with a placeholder callback).
      disableOAuth: true,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      // custom:tenantId is immutable anyway; the client may not even try to write it.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true, fullname: true }),
    });

    this.adminUserPoolDomain = this.adminUserPool.addDomain('AdminUserPoolDomain', {
      cognitoDomain: { domainPrefix: adminDomainPrefixFor(config, this.account) },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'AdminUserPoolId', { value: this.adminUserPool.userPoolId });
    new CfnOutput(this, 'AdminUserPoolClientId', { value: this.adminUserPoolClient.userPoolClientId });
    new CfnOutput(this, 'AdminLoginDomain', {
      value: this.adminUserPoolDomain.baseUrl(),
      description: "The admin pool's managed-login domain (sign-in pages of the console)",
    });
  }
}

/** The CDK table from the shared definition: on demand, PITR, stream, TTL, deletion protection, retained. */
function buildTable(scope: Construct, definition: TableDefinition): dynamodb.Table {
  const attributeType = (name: string): dynamodb.AttributeType => {
    const attribute = definition.attributeDefinitions.find((a) => a.name === name);
    if (!attribute) throw new Error(`TABLE_DEFINITION has no attribute definition for ${name}`);
    return ATTRIBUTE_TYPES[attribute.type];
  };
  const key = (name: string): dynamodb.Attribute => ({ name, type: attributeType(name) });

  const table = new dynamodb.Table(scope, 'Table', {
    partitionKey: key(definition.keySchema.partitionKey),
    sortKey: key(definition.keySchema.sortKey),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
    stream: STREAM_VIEW_TYPES[definition.stream],
    timeToLiveAttribute: definition.timeToLiveAttribute,
  });
  for (const index of definition.globalSecondaryIndexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.indexName,
      partitionKey: key(index.partitionKey),
      sortKey: key(index.sortKey),
      projectionType: PROJECTION_TYPES[index.projection],
    });
  }
  return table;
}

const ATTRIBUTE_TYPES: Record<
  TableDefinition['attributeDefinitions'][number]['type'],
  dynamodb.AttributeType
> = {
  S: dynamodb.AttributeType.STRING,
};
const STREAM_VIEW_TYPES: Record<TableDefinition['stream'], dynamodb.StreamViewType> = {
  NEW_AND_OLD_IMAGES: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
};
const PROJECTION_TYPES: Record<
  TableDefinition['globalSecondaryIndexes'][number]['projection'],
  dynamodb.ProjectionType
> = { ALL: dynamodb.ProjectionType.ALL };
