import * as fs from 'node:fs';
import * as path from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ADMIN_GATEWAY_RESPONSES, ROUTES } from '../../lambdas/http/routes';
import { CONSOLE_FIXTURE } from './fixtures/console-fixture';
import { synthStacks } from './fixtures/synth';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation is untyped JSON, read by shape in assertions
type Json = any;
type Resources = Record<string, { Type: string; Properties: Json }>;

/** Both stacks as bin/app.ts builds them (test/cdk/fixtures/synth.ts), with a console build; bundling is skipped. */
function synth(context: Record<string, unknown> = {}, consoleAssetDir: string = CONSOLE_FIXTURE) {
  const { app, data, api } = synthStacks(context, { consoleAssetDir });
  return { app, data, api };
}

/**
 * A CloudFormation value as readable text: `Fn::Join` joined, `Ref`/`GetAtt`/`ImportValue` as
 * `<Ref:X>`, `<X.Attr>`, `<Import:X>`, so assertions can read the CSP and URLs as one string.
 */
function text(value: Json): string {
  if (typeof value === 'string') return value;
  if (value?.['Fn::Join']) return value['Fn::Join'][1].map(text).join(value['Fn::Join'][0]);
  if (value?.Ref) return `<Ref:${value.Ref}>`;
  if (value?.['Fn::GetAtt']) return `<${value['Fn::GetAtt'].join('.')}>`;
  if (value?.['Fn::ImportValue']) return `<Import:${value['Fn::ImportValue']}>`;
  throw new Error(`Unexpected CloudFormation value ${JSON.stringify(value)}`);
}

const { app, data, api } = synth();
const resources = api.toJSON().Resources as Resources;
const ofType = (type: string, from = resources) => Object.entries(from).filter(([, r]) => r.Type === type);
const only = (type: string, from = resources) => {
  const found = ofType(type, from);
  expect(found).toHaveLength(1);
  return { id: found[0][0], props: found[0][1].Properties };
};

const distribution = only('AWS::CloudFront::Distribution');
const bucket = only('AWS::S3::Bucket');
/** The console's origin as text() renders it. */
const ORIGIN = `https://<${distribution.id}.DomainName>`;
const [ADMIN_API] = ofType('AWS::ApiGateway::RestApi').find(([id]) => id.startsWith('AdminApi'))!;
const [SCIM_API] = ofType('AWS::ApiGateway::RestApi').find(([id]) => id.startsWith('ScimApi'))!;
const domainId = Object.keys(data.findResources('AWS::Cognito::UserPoolDomain'))[0];

describe('console bucket', () => {
  test('blocks all public access, encrypts, enforces bucket-owner objects and is no website', () => {
    expect(bucket.props).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    expect(bucket.props.WebsiteConfiguration).toBeUndefined();
  });

  test('its policy denies every request without TLS and lets only this distribution read (OAC)', () => {
    const { props } = only('AWS::S3::BucketPolicy');
    expect(props.Bucket).toEqual({ Ref: bucket.id });
    const statements: Json[] = props.PolicyDocument.Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
      }),
    ]);
    expect(JSON.stringify(allows[0].Condition)).toContain(distribution.id);
  });
});

describe('console distribution', () => {
  test('reads the bucket through an origin access control that always signs (SigV4)', () => {
    const oac = only('AWS::CloudFront::OriginAccessControl');
    expect(oac.props.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    const origins: Json[] = distribution.props.DistributionConfig.Origins;
    expect(origins).toHaveLength(1);
    expect(origins[0]).toMatchObject({
      DomainName: { 'Fn::GetAtt': [bucket.id, 'RegionalDomainName'] },
      OriginAccessControlId: { 'Fn::GetAtt': [oac.id, 'Id'] },
      S3OriginConfig: { OriginAccessIdentity: '' },
    });
  });

  test('redirects HTTP to HTTPS, serves index.html at the root and for the SPA routes S3 does not hold', () => {
    const config = distribution.props.DistributionConfig;
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD'],
    });
    expect(config.CustomErrorResponses).toEqual(
      [403, 404].map((code) =>
        expect.objectContaining({ ErrorCode: code, ResponseCode: 200, ResponsePagePath: '/index.html' }),
      ),
    );
  });

  describe('security headers', () => {
    const policy = only('AWS::CloudFront::ResponseHeadersPolicy');
    const headers = policy.props.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = text(headers.ContentSecurityPolicy.ContentSecurityPolicy);
    const directives = new Map(
      csp.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    const loginDomain = `https://<Import:Data:ExportsOutputRef${domainId}`;

    test('the distribution sends the policy on every answer', () => {
      expect(distribution.props.DistributionConfig.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({
        Ref: policy.id,
      });
    });

    test('the CSP: own origin by default, never framed, no base or object, inline styles for Cloudscape', () => {
      expect(directives.get('default-src')).toEqual(["'self'"]);
      expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
      expect(directives.get('base-uri')).toEqual(["'none'"]);
      expect(directives.get('object-src')).toEqual(["'none'"]);
      expect(directives.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
      expect(directives.get('img-src')).toEqual(["'self'", 'data:']);
      // No script source beyond default-src 'self': no inline script, no eval.
      expect(directives.has('script-src')).toBe(false);
      expect(csp).not.toContain('unsafe-eval');
    });

    test('the CSP lets the console call the admin API and Cognito, and post forms to the login domain only', () => {
      const connect = directives.get('connect-src') ?? [];
      expect(connect[0]).toBe("'self'");
      expect(connect).toContain(
        `https://<Ref:${ADMIN_API}>.execute-api.<Ref:AWS::Region>.<Ref:AWS::URLSuffix>`,
      );
      expect(connect).toContain('https://cognito-idp.<Ref:AWS::Region>.<Ref:AWS::URLSuffix>');
      expect(connect.some((src) => src.startsWith(loginDomain))).toBe(true);
      expect(connect).not.toContain(
        `https://<Ref:${SCIM_API}>.execute-api.<Ref:AWS::Region>.<Ref:AWS::URLSuffix>`,
      );
      const form = directives.get('form-action') ?? [];
      expect(form).toHaveLength(2);
      expect(form[0]).toBe("'self'");
      expect(form[1].startsWith(loginDomain)).toBe(true);
    });

    test('HSTS for at least a year with subdomains, frame DENY, nosniff, no referrer; all override the origin', () => {
      expect(headers.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31536000);
      expect(headers.StrictTransportSecurity).toMatchObject({ IncludeSubdomains: true, Override: true });
      expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
      expect(headers.ContentTypeOptions).toEqual({ Override: true });
      expect(headers.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
      expect(headers.ContentSecurityPolicy.Override).toBe(true);
    });
  });
});

describe('console upload', () => {
  const deployment = only('Custom::CDKBucketDeployment');

  test('uploads the build and config.json to the bucket, pruning old files, no-cache, emptied on delete', () => {
    expect(deployment.props).toMatchObject({
      DestinationBucketName: { Ref: bucket.id },
      Prune: true,
      RetainOnDelete: false,
      SystemMetadata: { 'cache-control': 'no-cache' },
    });
    expect(deployment.props.SourceObjectKeys).toHaveLength(2);
    // No CloudFront invalidation (and so no cloudfront:CreateInvalidation on "*").
    expect(deployment.props.DistributionId).toBeUndefined();
  });

  test('the build source is the console folder given (the fixture here)', () => {
    const key: string = deployment.props.SourceObjectKeys[0];
    const staged = path.join(app.outdir, `asset.${key.replace(/\.zip$/, '')}`);
    expect(fs.readFileSync(path.join(staged, 'index.html'), 'utf8')).toBe(
      fs.readFileSync(path.join(CONSOLE_FIXTURE, 'index.html'), 'utf8'),
    );
  });

  test('config.json is the cognito ConsoleConfig: admin API URL, issuer, the PKCE client, console URL, login domain, SCIM URL', () => {
    const key: string = deployment.props.SourceObjectKeys[1];
    let json = fs.readFileSync(
      path.join(app.outdir, `asset.${key.replace(/\.zip$/, '')}`, 'config.json'),
      'utf8',
    );
    // Deploy-time values are markers that the upload replaces with the resolved values.
    for (const [marker, value] of Object.entries<Json>(deployment.props.SourceMarkers[1])) {
      json = json.split(marker).join(text(value));
    }
    const client = only('AWS::Cognito::UserPoolClient');
    expect(JSON.parse(json)).toEqual({
      mode: 'cognito',
      apiBaseUrl: `https://<Ref:${ADMIN_API}>.execute-api.<Ref:AWS::Region>.<Ref:AWS::URLSuffix>/dev`,
      authority: expect.stringMatching(
        /^https:\/\/cognito-idp\.<Ref:AWS::Region>\.<Ref:AWS::URLSuffix>\/<Import:Data:ExportsOutputRefAdminUserPool[0-9A-F]+>$/,
      ),
      clientId: `<Ref:${client.id}>`,
      redirectUri: `${ORIGIN}/`,
      domain: expect.stringMatching(
        new RegExp(
          `^https://<Import:Data:ExportsOutputRef${domainId}[0-9A-F]+>\\.auth\\.<Ref:AWS::Region>\\.amazoncognito\\.com$`,
        ),
      ),
      // The setup steps show the Target SCIM URL before a token is generated.
      scimBaseUrl: expect.stringMatching(
        /^https:\/\/<Ref:ScimApi[0-9A-F]+>\.execute-api\.<Ref:AWS::Region>\.<Ref:AWS::URLSuffix>\/dev$/,
      ),
    });
  });

  test('the upload function has its own role (no AWS managed policy) and log group', () => {
    const [[, fn]] = ofType('AWS::Lambda::Function').filter(([id]) =>
      id.startsWith('CustomCDKBucketDeployment'),
    );
    expect(JSON.stringify(fn.Properties.Role)).toContain('ConsoleDeploymentRole');
    expect(fn.Properties.LoggingConfig.LogGroup).toEqual({
      Ref: expect.stringMatching(/^ConsoleDeploymentLogs/),
    });
    const [[, role]] = ofType('AWS::IAM::Role').filter(([id]) => id.startsWith('ConsoleDeploymentRole'));
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('without a console build, synthesis fails and says to run npm run build:web', () => {
    expect(() => synth({}, path.join(CONSOLE_FIXTURE, 'missing'))).toThrow(
      /admin console build is missing.*npm run build:web/,
    );
  });
});

describe('sign-in (Cognito)', () => {
  test('the user pool has a managed-login (version 2) domain, prefix scim-<stage>-<account> by default', () => {
    data.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: { 'Fn::Join': ['', ['scim-dev-', { Ref: 'AWS::AccountId' }]] },
      ManagedLoginVersion: 2,
      UserPoolId: { Ref: Match.stringLikeRegexp('^AdminUserPool') },
    });
    data.hasOutput('AdminLoginDomain', {
      Value: {
        'Fn::Join': [
          '',
          ['https://', { Ref: domainId }, '.auth.', { Ref: 'AWS::Region' }, '.amazoncognito.com'],
        ],
      },
    });
  });

  test('the default prefix is lower-cased and hyphenated from the stage', () => {
    synth({ stage: 'Prod_EU' }).data.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: { 'Fn::Join': ['', ['scim-prod-eu-', { Ref: 'AWS::AccountId' }]] },
    });
  });

  test('context adminDomainPrefix names the domain; an invalid prefix fails the synth', () => {
    synth({ adminDomainPrefix: 'acme-scim-admin' }).data.hasResourceProperties(
      'AWS::Cognito::UserPoolDomain',
      {
        Domain: 'acme-scim-admin',
      },
    );
    for (const bad of ['Acme', '-acme', 'my-aws-login', 'a'.repeat(64)]) {
      expect(() => synth({ adminDomainPrefix: bad })).toThrow(/adminDomainPrefix/);
    }
    expect(() => synth({ stage: 'cognito-test' })).toThrow(/adminDomainPrefix/);
  });

  test('the console client: authorization code only, public (PKCE, no secret), Cognito users, the console URL', () => {
    const client = only('AWS::Cognito::UserPoolClient');
    expect(client.props).toMatchObject({
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      GenerateSecret: false,
      SupportedIdentityProviders: ['COGNITO'],
      PreventUserExistenceErrors: 'ENABLED',
    });
    expect(client.props.AllowedOAuthFlows).not.toContain('implicit');
    expect([...client.props.AllowedOAuthScopes].sort()).toEqual(['email', 'openid', 'profile']);
    expect(client.props.CallbackURLs.map(text)).toEqual([`${ORIGIN}/`]);
    expect(client.props.LogoutURLs.map(text)).toEqual([`${ORIGIN}/`]);
    expect(client.props.ReadAttributes).toContain('custom:tenantId');
    expect(client.props.WriteAttributes).not.toContain('custom:tenantId');
    expect(text(client.props.UserPoolId)).toMatch(/^<Import:Data:ExportsOutputRefAdminUserPool/);
  });

  test('it has the default managed-login branding style (managed login v2 needs one per client)', () => {
    const client = only('AWS::Cognito::UserPoolClient');
    api.hasResourceProperties('AWS::Cognito::ManagedLoginBranding', {
      ClientId: { Ref: client.id },
      UseCognitoProvidedValues: true,
    });
  });

  test('the Vite dev origin is a callback only with consoleDevOrigin=true', () => {
    const urls = (t: Template) =>
      Object.values(t.findResources('AWS::Cognito::UserPoolClient'))[0].Properties.CallbackURLs.map(text);
    expect(urls(api)).not.toContain('http://localhost:5173/');
    const dev = synth({ consoleDevOrigin: 'true' }).api;
    expect(urls(dev)).toEqual([`${ORIGIN}/`, 'http://localhost:5173/']);
  });

  test('outputs name the console URL and its client', () => {
    api.hasOutput('ConsoleUrl', {
      Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distribution.id, 'DomainName'] }, '/']] },
    });
    api.hasOutput('ConsoleClientId', { Value: { Ref: only('AWS::Cognito::UserPoolClient').id } });
  });
});

describe('CORS on the admin API', () => {
  const paths = new Map<string, string>();
  const pathOf = (id: string): string => {
    const known = paths.get(id);
    if (known) return known;
    const props = resources[id].Properties;
    const full = `${props.ParentId.Ref ? pathOf(props.ParentId.Ref) : ''}/${props.PathPart}`;
    paths.set(id, full);
    return full;
  };
  const methods = ofType('AWS::ApiGateway::Method').map(([, m]) => m.Properties);
  const options = methods.filter((m) => m.HttpMethod === 'OPTIONS');
  const adminRoutes = ROUTES.filter((r) => r.auth === 'admin').map((r) => r.path);

  test('every admin route has an OPTIONS preflight and nothing else has one (no SCIM resource)', () => {
    expect(options.map((m) => m.RestApiId.Ref)).toEqual(adminRoutes.map(() => ADMIN_API));
    expect(options.map((m) => pathOf(m.ResourceId.Ref)).sort()).toEqual([...adminRoutes].sort());
    expect(methods.filter((m) => m.RestApiId.Ref === SCIM_API && m.HttpMethod === 'OPTIONS')).toEqual([]);
  });

  test('each preflight is answered by API Gateway without an authorizer, for the console origin only', () => {
    for (const method of options) {
      expect(method.AuthorizationType).toBe('NONE');
      expect(method.AuthorizerId).toBeUndefined();
      expect(method.Integration.Type).toBe('MOCK');
      const [response] = method.Integration.IntegrationResponses;
      const params = response.ResponseParameters;
      expect(text(params['method.response.header.Access-Control-Allow-Origin'])).toBe(`'${ORIGIN}'`);
      expect(params['method.response.header.Access-Control-Allow-Headers']).toBe(
        "'Authorization,Content-Type'",
      );
      expect(params['method.response.header.Access-Control-Allow-Methods']).toBe(
        "'GET,POST,PUT,PATCH,DELETE'",
      );
      expect(params['method.response.header.Access-Control-Allow-Credentials']).toBeUndefined();
      // One origin: a fixed header, no template echoing whatever Origin the request sent.
      expect(response.ResponseTemplates).toBeUndefined();
    }
  });

  test("every admin Gateway Response carries the console origin; the SCIM API's carry none", () => {
    const responses = ofType('AWS::ApiGateway::GatewayResponse').map(([, r]) => r.Properties);
    const admin = responses.filter((r) => r.RestApiId.Ref === ADMIN_API);
    expect(admin.map((r) => r.ResponseType)).toEqual(
      expect.arrayContaining([
        'UNAUTHORIZED',
        'ACCESS_DENIED',
        'MISSING_AUTHENTICATION_TOKEN',
        'THROTTLED',
        'REQUEST_TOO_LARGE',
        'DEFAULT_5XX',
      ]),
    );
    expect(admin.length).toBeGreaterThanOrEqual(Object.keys(ADMIN_GATEWAY_RESPONSES).length + 3);
    for (const response of admin) {
      expect(text(response.ResponseParameters['gatewayresponse.header.Access-Control-Allow-Origin'])).toBe(
        `'${ORIGIN}'`,
      );
    }
    for (const response of responses.filter((r) => r.RestApiId.Ref === SCIM_API)) {
      expect(
        response.ResponseParameters['gatewayresponse.header.Access-Control-Allow-Origin'],
      ).toBeUndefined();
    }
  });

  test('the admin functions are told the console origin (CONSOLE_ORIGIN); the SCIM-only functions are not', () => {
    const adminHandlers = new Set(ROUTES.filter((r) => r.auth === 'admin').map((r) => r.handler));
    const functions = ofType('AWS::Lambda::Function').filter(([id]) => !id.startsWith('CustomCDK'));
    const withOrigin = functions.filter(([, f]) => f.Properties.Environment?.Variables?.CONSOLE_ORIGIN);
    expect(withOrigin.map(([id]) => id.replace(/Handler.*/, '').toLowerCase()).sort()).toEqual(
      [...adminHandlers].sort(),
    );
    for (const [, fn] of withOrigin)
      expect(text(fn.Properties.Environment.Variables.CONSOLE_ORIGIN)).toBe(ORIGIN);
  });
});

describe('cdk-nag', () => {
  test('AwsSolutions reports no unacknowledged finding with the console (and with the dev origin)', () => {
    expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
    expect(
      new AwsSolutionsChecks().validateScope(synth({ consoleDevOrigin: 'true' }).app).violations,
    ).toEqual([]);
  });
});
