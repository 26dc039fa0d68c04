import {
  firstValue,
  isValidHost,
  parsePublicBaseUrl,
  parseTrustProxy,
  publicOriginOf,
} from '../../../local/public-origin';

const LISTEN = '127.0.0.1:3000';

describe('the public origin of a local request', () => {
  test("without a trusted proxy is http and the request's own Host", () => {
    const origin = publicOriginOf({ host: 'scim.test:3000' }, { trustProxy: false, fallbackHost: LISTEN });

    expect(origin).toEqual({ proto: 'http', host: 'scim.test:3000' });
  });

  test('ignores X-Forwarded-Host and -Proto when the proxy is not trusted', () => {
    const origin = publicOriginOf(
      { host: '127.0.0.1:3000', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
      { trustProxy: false, fallbackHost: LISTEN },
    );

    expect(origin).toEqual({ proto: 'http', host: '127.0.0.1:3000' });
  });

  test("takes a trusted tunnel's forwarded host and scheme, first value of a comma list", () => {
    const origin = publicOriginOf(
      {
        host: '127.0.0.1:3000',
        'x-forwarded-host': 'Abc-123.ngrok-free.app, proxy.internal',
        'x-forwarded-proto': 'HTTPS, http',
      },
      { trustProxy: true, fallbackHost: LISTEN },
    );

    expect(origin).toEqual({ proto: 'https', host: 'abc-123.ngrok-free.app' });
  });

  test.each([
    ['a path', 'evil.example/x'],
    ['userinfo', 'user@evil.example'],
    ['a space', 'evil example'],
    ['a port out of range', 'evil.example:70000'],
    ['an empty label', 'evil..example'],
    ['a CRLF', 'evil.example\r\nX: 1'],
  ])('ignores a forwarded host with %s and keeps the Host', (_name, junk) => {
    const origin = publicOriginOf(
      { host: 'tunnel.example', 'x-forwarded-host': junk, 'x-forwarded-proto': 'gopher' },
      { trustProxy: true, fallbackHost: LISTEN },
    );

    expect(origin).toEqual({ proto: 'http', host: 'tunnel.example' });
  });

  test('falls back to the listen address when the Host is missing or junk', () => {
    expect(publicOriginOf({}, { trustProxy: false, fallbackHost: LISTEN }).host).toBe(LISTEN);
    expect(publicOriginOf({ host: 'a b' }, { trustProxy: true, fallbackHost: LISTEN }).host).toBe(LISTEN);
  });
});

describe('host syntax', () => {
  test.each(['localhost', 'localhost:3000', '10.0.0.1:8080', '[::1]:3000', 'a.b-c.example'])(
    'accepts %s',
    (host) => expect(isValidHost(host)).toBe(true),
  );

  test.each(['', ':3000', '-a.example', 'a.example:0', 'a.example:', 'http://a.example', '[::1'])(
    'refuses %j',
    (host) => expect(isValidHost(host)).toBe(false),
  );

  test('firstValue trims and takes the first of a list or of repeated headers', () => {
    expect(firstValue(' a , b')).toBe('a');
    expect(firstValue(['x', 'y'])).toBe('x');
    expect(firstValue(' , b')).toBeUndefined();
    expect(firstValue(undefined)).toBeUndefined();
  });
});

describe('PUBLIC_BASE_URL and TRUST_PROXY as npm start reads them', () => {
  test('PUBLIC_BASE_URL keeps origin and path prefix without trailing slashes', () => {
    expect(parsePublicBaseUrl('https://abc.ngrok.app/')).toBe('https://abc.ngrok.app');
    expect(parsePublicBaseUrl('https://dev.example.com/scim-dev//')).toBe('https://dev.example.com/scim-dev');
    expect(parsePublicBaseUrl('')).toBeUndefined();
    expect(parsePublicBaseUrl(undefined)).toBeUndefined();
  });

  test.each(['abc.ngrok.app', 'ftp://a.example', 'https://a.example/?x=1', 'https://u:p@a.example'])(
    'PUBLIC_BASE_URL %s is refused, naming the variable',
    (value) => expect(() => parsePublicBaseUrl(value)).toThrow(/PUBLIC_BASE_URL/),
  );

  test('TRUST_PROXY is 1/true or 0/false/unset; anything else is refused', () => {
    expect(parseTrustProxy('1')).toBe(true);
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('0')).toBe(false);
    expect(() => parseTrustProxy('yes please')).toThrow(/TRUST_PROXY/);
  });
});
