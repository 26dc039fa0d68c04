import { readInviteConfig } from '../../../lambdas/config/runtime-config';

const KEYS = ['INVITE_FROM_ADDRESS', 'INVITE_URL_TEMPLATE', 'INVITE_LINK_KEYS'] as const;

describe('invitation configuration, read at cold start', () => {
  const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
  const set = (values: Partial<Record<(typeof KEYS)[number], string>>) => {
    for (const key of KEYS) {
      if (values[key] === undefined) delete process.env[key];
      else process.env[key] = values[key];
    }
  };
  afterEach(() => set(saved as Record<string, string>));

  const valid = {
    INVITE_FROM_ADDRESS: 'invites@mail.example.org',
    INVITE_URL_TEMPLATE: 'https://console.example.org/invite?token={token}',
    INVITE_LINK_KEYS: JSON.stringify({
      keys: [{ id: 'k1', secret: 'unit-test-link-key-not-a-secret-0123456789' }],
    }),
  };

  test('every value set: read as they are', async () => {
    set(valid);
    const config = readInviteConfig();
    expect(config).toEqual({
      fromAddress: valid.INVITE_FROM_ADDRESS,
      urlTemplate: valid.INVITE_URL_TEMPLATE,
      linkKeys: expect.any(Function),
      linkTtlHours: 168,
    });
    expect(await config.linkKeys()).toEqual([
      { id: 'k1', secret: 'unit-test-link-key-not-a-secret-0123456789' },
    ]);
  });

  test('INVITE_LINK_TTL_HOURS: whole hours from 1 to 720', () => {
    set(valid);
    process.env.INVITE_LINK_TTL_HOURS = '24';
    try {
      expect(readInviteConfig().linkTtlHours).toBe(24);
      process.env.INVITE_LINK_TTL_HOURS = '0.5';
      expect(() => readInviteConfig()).toThrow(/INVITE_LINK_TTL_HOURS must be a whole number/);
    } finally {
      delete process.env.INVITE_LINK_TTL_HOURS;
    }
  });

  test.each(KEYS)('%s missing: refused with its name, no example.com fallback', (key) => {
    set({ ...valid, [key]: undefined });
    expect(() => readInviteConfig()).toThrow(new RegExp(`${key} must be set`));
  });

  test('a sender that is not an address is refused', () => {
    set({ ...valid, INVITE_FROM_ADDRESS: 'no address' });
    expect(() => readInviteConfig()).toThrow(/INVITE_FROM_ADDRESS must be an email address/);
  });

  test('a link that is not an http(s) URL is refused', () => {
    set({ ...valid, INVITE_URL_TEMPLATE: 'javascript:alert(1)' });
    expect(() => readInviteConfig()).toThrow(/INVITE_URL_TEMPLATE must be an http\(s\) URL/);
  });

  test.each([
    ['the stream consumer', '../../../lambdas/stream/handler'],
    ['the invitations function (re-send)', '../../../lambdas/invitations/handler'],
  ])('%s does not start without it', (_what, module) => {
    process.env.CURSOR_HMAC_KEY ??= 'a-cursor-key-for-the-unit-tests-0123456789';
    process.env.EVENT_BUS_NAME ??= 'unit-test-bus';
    set({ ...valid, INVITE_FROM_ADDRESS: undefined });
    jest.isolateModules(() => {
      expect(() => require(module)).toThrow(/INVITE_FROM_ADDRESS must be set/);
    });
    set(valid);
    jest.isolateModules(() => {
      expect(() => require(module)).not.toThrow();
    });
  });
});

describe('the stream consumer does not start without its event bus', () => {
  const saved = process.env.EVENT_BUS_NAME;
  afterAll(() => {
    if (saved === undefined) delete process.env.EVENT_BUS_NAME;
    else process.env.EVENT_BUS_NAME = saved;
  });

  test('EVENT_BUS_NAME missing: refused with its name', () => {
    process.env.INVITE_FROM_ADDRESS ??= 'invites@mail.example.org';
    process.env.INVITE_URL_TEMPLATE ??= 'https://console.example.org/invite?tenant={tenantId}&user={userId}';
    process.env.INVITE_LINK_KEYS ??= JSON.stringify({
      keys: [{ id: 'k1', secret: 'unit-test-link-key-not-a-secret-0123456789' }],
    });
    delete process.env.EVENT_BUS_NAME;
    jest.isolateModules(() => {
      expect(() => require('../../../lambdas/stream/handler')).toThrow(/EVENT_BUS_NAME must be set/);
    });
  });
});

describe('the paging handlers do not start without a cursor key', () => {
  const saved = { key: process.env.CURSOR_HMAC_KEY, arn: process.env.CURSOR_HMAC_SECRET_ARN };
  const invites = { from: process.env.INVITE_FROM_ADDRESS, url: process.env.INVITE_URL_TEMPLATE };
  afterAll(() => {
    if (invites.from === undefined) delete process.env.INVITE_FROM_ADDRESS;
    if (invites.url === undefined) delete process.env.INVITE_URL_TEMPLATE;
    if (saved.key === undefined) delete process.env.CURSOR_HMAC_KEY;
    else process.env.CURSOR_HMAC_KEY = saved.key;
    if (saved.arn !== undefined) process.env.CURSOR_HMAC_SECRET_ARN = saved.arn;
  });

  test.each([
    '../../../lambdas/users/handler',
    '../../../lambdas/groups/handler',
    '../../../lambdas/directory/handler',
  ])('%s', (module) => {
    process.env.INVITE_FROM_ADDRESS ??= 'invites@mail.example.org';
    process.env.INVITE_URL_TEMPLATE ??= 'https://console.example.org/invite?tenant={tenantId}&user={userId}';
    process.env.INVITE_LINK_KEYS ??= JSON.stringify({
      keys: [{ id: 'k1', secret: 'unit-test-link-key-not-a-secret-0123456789' }],
    });
    delete process.env.CURSOR_HMAC_KEY;
    delete process.env.CURSOR_HMAC_SECRET_ARN;
    jest.isolateModules(() => {
      expect(() => require(module)).toThrow(/CURSOR_HMAC_SECRET_ARN .* or CURSOR_HMAC_KEY must be set/);
    });
    process.env.CURSOR_HMAC_KEY = 'a-cursor-key-for-the-unit-tests-0123456789';
    jest.isolateModules(() => {
      expect(() => require(module)).not.toThrow();
    });
  });
});

describe('the invitation link and mail-events functions need only their own configuration', () => {
  const names = [
    'INVITE_FROM_ADDRESS',
    'INVITE_URL_TEMPLATE',
    'INVITE_LINK_KEYS',
    'INVITE_LINK_KEYS_SECRET_ARN',
  ];
  const saved = Object.fromEntries(names.map((k) => [k, process.env[k]]));
  afterAll(() => {
    for (const name of names) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  test('mail events: no sender, template or link keys needed', () => {
    for (const name of names) delete process.env[name];
    jest.isolateModules(() => {
      expect(() => require('../../../lambdas/mail-events/handler')).not.toThrow();
    });
  });

  test('invites: the link keys only, refused without them', () => {
    for (const name of names) delete process.env[name];
    jest.isolateModules(() => {
      expect(() => require('../../../lambdas/invites/handler')).toThrow(/INVITE_LINK_KEYS must be set/);
    });
    process.env.INVITE_LINK_KEYS = JSON.stringify({
      keys: [{ id: 'k1', secret: 'unit-test-link-key-not-a-secret-0123456789' }],
    });
    jest.isolateModules(() => {
      expect(() => require('../../../lambdas/invites/handler')).not.toThrow();
    });
  });
});
