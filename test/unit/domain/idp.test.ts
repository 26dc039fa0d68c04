import { IDPS, idpOrDefault, SOURCE_LABELS, sourceOf, storedSource } from '../../../lambdas/domain/idp';

describe('the Source of an IdP', () => {
  test('each IdP has the label the console shows', () => {
    expect(IDPS.map((idp) => sourceOf(idp).label)).toEqual([
      'SCIM Okta',
      'SCIM Microsoft Entra ID',
      'SCIM OneLogin',
      'SCIM JumpCloud',
      'SCIM PingOne',
      'SCIM 2.0',
    ]);
  });

  test('the User-Agent is kept, cut at 200 characters, but does not choose the label', () => {
    const source = sourceOf('entra', `Okta SCIM Client ${'x'.repeat(300)}`);

    expect(source.label).toBe('SCIM Microsoft Entra ID');
    expect(source.userAgent).toHaveLength(200);
    expect(sourceOf('okta')).toEqual({ idp: 'okta', label: 'SCIM Okta' });
  });
});

describe('stored values', () => {
  test.each([undefined, null, '', 'auth0', 42])('an idp of %p reads as okta', (value) => {
    expect(idpOrDefault(value)).toBe('okta');
  });

  test('a source written with its idp reads back as written', () => {
    const written = sourceOf('jumpcloud', 'curl/8.5.0');

    expect(storedSource(structuredClone(written))).toEqual(written);
  });

  test('no source (a group from before sources) reads as Okta', () => {
    expect(storedSource(undefined)).toEqual({ idp: 'okta', label: SOURCE_LABELS.okta });
  });

  test.each([
    [{ client: 'okta', label: 'SCIM Okta', userAgent: 'Okta SCIM Client 1.0.0' }, 'okta'],
    [{ client: 'entra', label: 'SCIM Microsoft Entra ID' }, 'entra'],
    [{ client: 'other', label: 'SCIM' }, 'generic'],
  ])('a user source from the User-Agent days %p keeps its label; client becomes idp %s', (legacy, idp) => {
    const { client: _client, ...kept } = legacy;
    expect(storedSource(legacy)).toEqual({ ...kept, idp });
  });
});
