import { escapeHtml, resolveTemplate, variablesIn } from '../../../lambdas/domain/templates';

describe('templates', () => {
  test('variables are listed once each', () => {
    expect(variablesIn('${a} and ${b} and ${a}, not $c or ${1x}')).toEqual(['a', 'b']);
  });

  test('known values are substituted; empty or absent ones resolve to "" and are reported missing', () => {
    expect(
      resolveTemplate('Hi ${givenName} ${familyName}${title}!', {
        givenName: 'Ann',
        familyName: '',
        title: undefined,
      }),
    ).toEqual({
      result: 'Hi Ann !',
      missing: ['familyName', 'title'],
    });
  });

  test('a value is inserted literally, never re-expanded', () => {
    expect(resolveTemplate('${a}', { a: '${b}', b: 'x' }).result).toBe('${b}');
  });

  test('HTML is escaped for the HTML body', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
