import { readInviteConfig } from '../../../lambdas/config/runtime-config';

const KEYS = ['INVITE_FROM_ADDRESS', 'INVITE_URL_TEMPLATE'] as const;

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
    INVITE_URL_TEMPLATE: 'https://console.example.org/invite?tenant={tenantId}&user={userId}',
  };

  test('both values set: read as they are', () => {
    set(valid);
    expect(readInviteConfig()).toEqual({
      fromAddress: valid.INVITE_FROM_ADDRESS,
      urlTemplate: valid.INVITE_URL_TEMPLATE,
    });
  });

  test.each(KEYS)('%s missing: refused with its name, no example.com fallback', (key) => {
    set({ ...valid, [key]: undefined });
    expect(() => readInviteConfig()).toThrow(new RegExp(`^${key} must be set`));
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
    ['the invitation stream consumer', '../../../lambdas/invites/handler'],
    ['the directory (re-send)', '../../../lambdas/directory/handler'],
  ])('%s does not start without it', (_what, module) => {
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
