import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ApiStack } from '../../lib/api-stack';
import { readDeploymentConfig } from '../../lib/config';
import { DataStack } from '../../lib/data-stack';
import { CONSOLE_FIXTURE } from './fixtures/console-fixture';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation is untyped JSON, read by shape in assertions
type Json = any;
type Resources = Record<string, { Type: string; Properties: Json }>;

/** The admin audit trail's part of the API stack: its function, its route, its grants, the retention. */
function synth(context: Record<string, unknown> = {}): Resources {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const data = new DataStack(app, 'Data');
  const api = new ApiStack(app, 'Api', {
    table: data.table,
    adminUserPool: data.adminUserPool,
    adminUserPoolDomain: data.adminUserPoolDomain,
    consoleAssetDir: CONSOLE_FIXTURE,
    config: readDeploymentConfig(app.node),
  });
  return Template.fromStack(api).toJSON().Resources as Resources;
}

const resources = synth();
const ofType = (type: string, from = resources) => Object.entries(from).filter(([, r]) => r.Type === type);
const functions = ofType('AWS::Lambda::Function').map(([id, f]) => ({ id, ...f.Properties }));
const methods = ofType('AWS::ApiGateway::Method').map(([, m]) => m.Properties);
const [ADMIN_API] = ofType('AWS::ApiGateway::RestApi').find(([id]) => id.startsWith('AdminApi')) ?? [];

function resourcePaths(): Map<string, string> {
  const paths = new Map<string, string>();
  const pathOf = (id: string): string => {
    const known = paths.get(id);
    if (known) return known;
    const props = resources[id].Properties;
    const full = `${props.ParentId.Ref ? pathOf(props.ParentId.Ref) : ''}/${props.PathPart}`;
    paths.set(id, full);
    return full;
  };
  for (const [id] of ofType('AWS::ApiGateway::Resource')) pathOf(id);
  return paths;
}

describe('audit trail', () => {
  const auditFunction = () => functions.find((fn) => fn.id.startsWith('AuditHandler'));
  const policyOf = (prefix: string) =>
    ofType('AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: Json) => String(r.Ref).startsWith(prefix)))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);

  test('GET …/audit is served by its own function on the admin API, behind the Cognito authorizer', () => {
    const paths = resourcePaths();
    const [id] = [...paths].find(([, path]) => path === '/admin/v1/tenants/{tenantId}/audit') ?? [];
    expect(id).toBeDefined();
    const method = methods.find((m) => m.ResourceId.Ref === id);
    expect(method).toEqual(
      expect.objectContaining({ HttpMethod: 'ANY', AuthorizationType: 'COGNITO_USER_POOLS' }),
    );
    expect(method.RestApiId.Ref).toBe(ADMIN_API);
    expect(JSON.stringify(method.Integration.Uri)).toContain(auditFunction()!.id);
  });

  test('the audit function may only read the table', () => {
    const actions = policyOf('AuditHandler')
      .flatMap((st: Json) => [st.Action].flat())
      .filter((a: string) => a.startsWith('dynamodb:'));
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:Query']));
    for (const action of actions) {
      expect(action).not.toMatch(/Put|Update|Delete|Write|Transact/);
    }
  });

  test('the token and settings functions, which write the entries, are told the retention (365 days by default)', () => {
    const retention = (prefix: string) =>
      functions.find((fn) => fn.id.startsWith(prefix))?.Environment?.Variables?.AUDIT_RETENTION_DAYS;
    expect([retention('TokensHandler'), retention('SettingsHandler')]).toEqual(['365', '365']);
    const custom = synth({ auditRetentionDays: '30' });
    const customFunctions = Object.entries(custom).filter(
      ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('TokensHandler'),
    );
    expect(customFunctions[0][1].Properties.Environment.Variables.AUDIT_RETENTION_DAYS).toBe('30');
  });
});
