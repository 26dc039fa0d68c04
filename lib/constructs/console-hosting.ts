import * as fs from 'node:fs';
import * as path from 'node:path';
import { Aws, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { ConsoleConfig } from '../../lambdas/contract/admin-api';
import { CONSOLE_DEV_URL } from '../config';
import { PROJECT_ROOT } from './handler-function';

export interface ConsoleHostingProps {
  /** Folder of the built console (must hold index.html); relative to the repository root or absolute. */
  assetDir: string;
  /** The admin API's stage URL (`https://<id>.execute-api.<region>.amazonaws.com/<stage>`): config.json's apiBaseUrl. */
  adminApiUrl: string;
  /** The admin API's origin (scheme and host): the CSP's connect-src. */
  adminApiOrigin: string;
  userPool: cognito.IUserPool;
  /** The SCIM API's public base URL (without `/scim/v2/<tenant>`): the setup steps' Target SCIM URL. */
  scimBaseUrl: string;
  /** The pool's managed-login domain URL (`https://<prefix>.auth.<region>.amazoncognito.com`). */
  loginDomainUrl: string;
  /** Also accept the Vite dev server (`http://localhost:5173/`) as callback and sign-out URL. */
  devOrigin?: boolean;
}

/**
 * The admin console in AWS: the built single-page app in a private S3 bucket behind CloudFront
 * (origin access control, HTTPS only, security headers), its `config.json` written at deploy time,
 * and the Cognito app client it signs in with (managed login, authorization code + PKCE).
 *
 * The app client lives here rather than in the data stack because its callback URL is the
 * distribution's: the data stack cannot refer to this stack (which refers to the pool) without a cycle.
 */
export class ConsoleHosting extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly client: cognito.UserPoolClient;
  /** `https://<distribution domain>` (no trailing slash): the origin CORS and the handlers allow. */
  readonly origin: string;
  /** `https://<distribution domain>/`: the console URL, OAuth callback and sign-out URL. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    const assetDir = consoleAssetPath(props.assetDir);

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // The content is a build output: the deployment empties the bucket when it is deleted
      // (retainOnDelete: false below), so the bucket can go with the stack.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket only holds the public build of the console, readable through CloudFront alone (origin access ' +
        'control); its writes come from the CloudFormation deployment, which CloudTrail records.',
    });

    const headers = this.responseHeaders(props);
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'SCIM provisioning admin console',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
      },
      // A single-page app: a path the bucket does not hold (S3 answers 403 without ListBucket) is
      // one of the console's own routes, so CloudFront answers index.html.
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: '/index.html',
        ttl: Duration.seconds(0),
      })),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
    });
    this.acknowledgeDistributionFindings();
    this.origin = `https://${this.distribution.distributionDomainName}`;
    this.url = `${this.origin}/`;

    this.client = this.appClient(props);
    // Managed login (version 2) shows its pages only for an app client with a branding style: the
    // Cognito-provided default one.
    new cognito.CfnManagedLoginBranding(this, 'LoginBranding', {
      userPoolId: props.userPool.userPoolId,
      clientId: this.client.userPoolClientId,
      useCognitoProvidedValues: true,
    });

    const config: ConsoleConfig = {
      mode: 'cognito',
      apiBaseUrl: props.adminApiUrl,
      authority: `https://cognito-idp.${Aws.REGION}.${Aws.URL_SUFFIX}/${props.userPool.userPoolId}`,
      clientId: this.client.userPoolClientId,
      redirectUri: this.url,
      domain: props.loginDomainUrl,
      scimBaseUrl: props.scimBaseUrl,
    };
    this.deploy(assetDir, config);
  }

  /** CSP, HSTS, frame and content-type options, referrer policy: on every answer, whatever S3 sends. */
  private responseHeaders(props: ConsoleHostingProps): cloudfront.ResponseHeadersPolicy {
    const cognitoIdp = `https://cognito-idp.${Aws.REGION}.${Aws.URL_SUFFIX}`;
    return new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      comment: 'Security headers of the admin console',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: consoleCsp(props, cognitoIdp), override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          {
            header: 'Permissions-Policy',
            value: 'camera=(), microphone=(), geolocation=(), payment=()',
            override: true,
          },
        ],
      },
    });
  }

  /** Authorization code + PKCE (a public client: no secret), Cognito users only, the console's URL as callback. */
  private appClient(props: ConsoleHostingProps): cognito.UserPoolClient {
    const urls = [this.url, ...(props.devOrigin ? [CONSOLE_DEV_URL] : [])];
    return new cognito.UserPoolClient(this, 'Client', {
      userPool: props.userPool,
      generateSecret: false,
      // The flows managed login signs in with (password, then the TOTP challenge).
      authFlows: { user: true, userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: urls,
        logoutUrls: urls,
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      // The ID token carries only readable attributes: custom:tenantId is the tenant the admin API checks.
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes('tenantId'),
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true, fullname: true }),
    });
  }

  /**
   * The build and config.json, uploaded by CDK's BucketDeployment custom resource. Every object is
   * `Cache-Control: no-cache` (browsers revalidate with the ETag; CloudFront keeps an object for
   * the cache policy's 1 s minimum), so a deploy is live at once without a CloudFront invalidation
   * (which would need cloudfront:CreateInvalidation on every distribution).
   */
  private deploy(assetDir: string, config: ConsoleConfig): void {
    const logGroup = new logs.LogGroup(this, 'DeploymentLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
    });
    // An own role: no AWS managed policy (the default role would take AWSLambdaBasicExecutionRole).
    const role = new iam.Role(this, 'DeploymentRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Execution role of the console upload (BucketDeployment)',
    });
    logGroup.grantWrite(role);
    new s3deploy.BucketDeployment(this, 'Deployment', {
      sources: [s3deploy.Source.asset(assetDir), s3deploy.Source.jsonData('config.json', config)],
      destinationBucket: this.bucket,
      role,
      logGroup,
      prune: true,
      retainOnDelete: false,
      cacheControl: [s3deploy.CacheControl.noCache()],
      memoryLimit: 512,
    });
    this.acknowledgeDeploymentFindings(role);
  }

  /** The findings of CDK's own BucketDeployment (its grants and its Python runtime), each with its reason. */
  private acknowledgeDeploymentFindings(role: iam.Role): void {
    const stack = Stack.of(this);
    const bucketId = (stack.resolve(this.bucket.bucketArn) as { 'Fn::GetAtt': [string, string] })[
      'Fn::GetAtt'
    ][0];
    const qualifier = this.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') ?? 'hnb659fds';
    const known = (value: string, pseudo: string) => (Token.isUnresolved(value) ? pseudo : value);
    const grants = [
      'Action::s3:GetObject*',
      'Action::s3:GetBucket*',
      'Action::s3:List*',
      'Action::s3:DeleteObject*',
      'Action::s3:Abort*',
      `Resource::<${bucketId}.Arn>/*`,
      // The bootstrap bucket's name as the finding prints it: pseudo parameters unless the stack has an env.
      `Resource::arn:<AWS::Partition>:s3:::cdk-${qualifier}-assets-${known(stack.account, '<AWS::AccountId>')}-${known(stack.region, '<AWS::Region>')}/*`,
    ];
    for (const finding of grants) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason:
          "CDK's BucketDeployment grants: read of the staged console asset in the CDK bootstrap bucket, and " +
          'read/write/delete of the objects of the console bucket only (it syncs the build and prunes old files).',
      });
    }
    // The singleton upload function sits at the stack's root, named after its purpose.
    for (const child of stack.node.children) {
      if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
      Validations.of(child).acknowledge({
        id: 'AwsSolutions-L1',
        reason:
          "CDK's BucketDeployment handler (Python with the AWS CLI layer) runs on the runtime aws-cdk-lib " +
          'pins; it runs at deploy time only and is updated with aws-cdk-lib.',
      });
    }
  }

  private acknowledgeDistributionFindings(): void {
    const ack = (id: string, reason: string) => Validations.of(this.distribution).acknowledge({ id, reason });
    ack(
      'AwsSolutions-CFR1',
      'Tenant admins sign in from anywhere; the console is static and every API call needs a Cognito ID token.',
    );
    ack(
      'AwsSolutions-CFR2',
      'The distribution serves the static console build only (public files, GET/HEAD); a CLOUDFRONT web ACL ' +
        'must be created in us-east-1, i.e. in another stack. The admin API that the console calls has its own ' +
        'REGIONAL web ACL (rate limit per source address).',
    );
    ack(
      'AwsSolutions-CFR3',
      'The distribution serves the static console only; API access is logged by the admin API stage.',
    );
    ack(
      'AwsSolutions-CFR4',
      'The default *.cloudfront.net certificate: CloudFront then negotiates TLS 1.2+ with modern browsers but ' +
        'cannot pin a minimum protocol; a custom domain with its own certificate and TLSv1.2_2021 is the fix.',
    );
  }
}

/**
 * The console's Content-Security-Policy: scripts, styles and API calls from its own origin, plus
 * the admin API and Cognito (discovery, JWKS, token endpoint); inline styles because Cloudscape
 * sets style attributes; never framed.
 */
export function consoleCsp(
  props: Pick<ConsoleHostingProps, 'adminApiOrigin' | 'loginDomainUrl'>,
  cognitoIdp: string,
): string {
  return [
    "default-src 'self'",
    `connect-src 'self' ${props.adminApiOrigin} ${props.loginDomainUrl} ${cognitoIdp}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    `form-action 'self' ${props.loginDomainUrl}`,
  ].join('; ');
}

/**
 * The console build folder as an absolute path; a missing build fails the synth with what to run.
 * (Synthesis never builds the console itself: docs/deploy.md.)
 */
export function consoleAssetPath(assetDir: string): string {
  const dir = path.resolve(PROJECT_ROOT, assetDir);
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    throw new Error(
      `The admin console build is missing: ${path.join(dir, 'index.html')} does not exist. ` +
        'Run `npm run build:web` first (or pass -c consoleAssetDir=<folder with index.html>).',
    );
  }
  return dir;
}
