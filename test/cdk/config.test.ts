import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import {
  CONTEXT_DEFAULTS,
  DEFAULT_CONFIG,
  developmentDefaults,
  isPlaceholder,
  readDeploymentConfig,
} from '../../lib/config';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (context: Record<string, unknown>) => readDeploymentConfig(new App({ context }).node);

/** Settings a production stage accepts. */
const REAL = {
  inviteFromAddress: 'invites@mail.acme-saas.io',
  inviteUrlTemplate: 'https://app.acme-saas.io/invite?token={token}',
};

describe('a production stage refuses placeholder settings', () => {
  test.each(['prod', 'production', 'PROD', 'Production'])(
    'stage %s with the defaults names every key to set',
    (stage) => {
      let message = '';
      try {
        read({ stage });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(new RegExp(`Stage ${stage} is a production stage`));
      expect(message).toContain('inviteFromAddress (unset');
      expect(message).toContain('inviteUrlTemplate (unset');
    },
  );

  test('cdk.json defaults (example.com, given as context) are refused as placeholders', () => {
    const fromCdkJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context;
    expect(() => read({ ...fromCdkJson, stage: 'prod' })).toThrow(
      /inviteFromAddress \(no-reply@example\.com is a placeholder domain\); inviteUrlTemplate \(https:\/\/example\.com/,
    );
  });

  test('a set key on an example domain is named too, each in the same error', () => {
    expect(() =>
      read({
        ...REAL,
        stage: 'prod',
        alarmEmail: 'ops@example.org',
        publicBaseUrl: 'https://scim.example.com',
      }),
    ).toThrow(/alarmEmail \(ops@example\.org is a placeholder domain\); publicBaseUrl/);
  });

  test('an invite link template without {token} is refused (the link could not be verified)', () => {
    expect(() =>
      read({ ...REAL, stage: 'prod', inviteUrlTemplate: 'https://app.acme-saas.io/invite' }),
    ).toThrow(/inviteUrlTemplate \(it must contain \{token\}/);
  });

  test('real settings synthesize', () => {
    const config = read({ ...REAL, stage: 'prod' });
    expect(config.sesIdentity).toBe('mail.acme-saas.io');
    expect(developmentDefaults(config)).toEqual(['alarmEmail is unset (the alarms notify nobody)']);
  });

  test('a development stage keeps the local defaults and lists them', () => {
    const config = read({});
    expect(config.inviteFromAddress).toBe(DEFAULT_CONFIG.inviteFromAddress);
    expect(developmentDefaults(config)).toEqual([
      'inviteFromAddress is no-reply@example.com',
      `inviteUrlTemplate is ${DEFAULT_CONFIG.inviteUrlTemplate}`,
      'sesIdentity is example.com',
      'alarmEmail is unset (the alarms notify nobody)',
    ]);
  });

  test.each([
    ['no-reply@example.com', true],
    ['https://example.net/x', true],
    ['mail.example.org', true],
    ['ops@acme.test', true],
    ['https://localhost/invite', true],
    ['', true],
    ['invites@mail.acme-saas.io', false],
    ['https://app.acme-saas.io/invite?token={token}', false],
    ['myexample.com', false],
  ])('isPlaceholder(%j) is %s', (value, expected) => {
    expect(isPlaceholder(value)).toBe(expected);
  });
});

describe('context keys', () => {
  test('cdk.json carries every key the app reads, with its default', () => {
    const context = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context;
    for (const [key, value] of Object.entries(CONTEXT_DEFAULTS))
      expect({ key, value: context[key] }).toEqual({ key, value });
  });

  test('the cdk.json values read back as the defaults', () => {
    const context = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context;
    const config = read(context);
    expect(config).toMatchObject({
      stage: 'dev',
      publicBaseUrl: undefined,
      sesIdentity: 'example.com',
      sesCreateIdentity: true,
      reservedConcurrency: {},
      apiGatewayAccountRole: true,
      consoleDevOrigin: false,
      wafTenantRateLimit: DEFAULT_CONFIG.wafTenantRateLimit,
    });
    expect(config.scimDomain).toBeUndefined();
    expect(config.eventsWebhook).toBeUndefined();
  });

  test('docs/deploy.md has a table row for every key', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs', 'deploy.md'), 'utf8');
    for (const key of Object.keys(CONTEXT_DEFAULTS))
      expect({ key, documented: doc.includes(`| \`${key}\``) }).toEqual({ key, documented: true });
  });
});

describe('validation of the new keys', () => {
  test.each([
    [{ wafEvaluationWindowSec: '90' }, /wafEvaluationWindowSec must be 60, 120, 300 or 600/],
    [{ wafTenantRateLimit: '5' }, /wafTenantRateLimit must be between 10/],
    [{ inviteLinkTtlHours: '0' }, /inviteLinkTtlHours must be a positive integer/],
    [{ inviteLinkTtlHours: '721' }, /inviteLinkTtlHours must be at most 720/],
    [{ alarmEmail: 'ops' }, /alarmEmail must be an email address/],
    [{ sesIdentity: 'other.io' }, /sesIdentity must be inviteFromAddress .* or its domain/],
    [{ reservedConcurrency: '{users:1}' }, /reservedConcurrency must be a JSON object/],
    [{ reservedConcurrency: '{"users":-1}' }, /reservedConcurrency.users must be a non-negative integer/],
    [
      { scimDomainName: 'scim.acme-saas.io' },
      /needs scimCertificateArn .* or scimHostedZoneId \+ scimHostedZoneName/,
    ],
    [{ scimCertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/x' }, /need scimDomainName/],
    [{ scimDomainName: 'scim.acme-saas.io', scimHostedZoneId: 'Z1' }, /set together/],
    [
      { scimDomainName: 'scim.other.io', scimHostedZoneId: 'Z1', scimHostedZoneName: 'acme-saas.io' },
      /must be in the hosted zone acme-saas.io/,
    ],
    [{ scimDomainName: 'scim.acme-saas.io', scimCertificateArn: 'cert' }, /ARN of an ACM certificate/],
  ])('%j is refused', (context, message) => {
    expect(() => read(context)).toThrow(message);
  });

  test('sesIdentity may be the sender address itself', () => {
    expect(read({ sesIdentity: 'no-reply@example.com' }).sesIdentity).toBe('no-reply@example.com');
  });

  test('reservedConcurrency reads an object (cdk.json), its JSON (-c) and off', () => {
    expect(read({ reservedConcurrency: { users: 5 } }).reservedConcurrency).toEqual({ users: 5 });
    expect(read({ reservedConcurrency: '{"users":5}' }).reservedConcurrency).toEqual({ users: 5 });
    expect(read({ reservedConcurrency: 'off' }).reservedConcurrency).toBe(false);
  });

  test('an explicit publicBaseUrl wins over the custom domain', () => {
    const config = read({
      scimDomainName: 'scim.acme-saas.io',
      scimCertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
      publicBaseUrl: 'https://edge.acme-saas.io',
    });
    expect(config.publicBaseUrl).toBe('https://edge.acme-saas.io');
  });
});
