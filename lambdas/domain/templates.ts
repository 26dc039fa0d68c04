/**
 * `${name}` variables in configuration fields (invite subject/body, and any field that supports
 * variables). Pure: resolution takes a map of values; a known variable without a value resolves to
 * "" and is reported as missing.
 */
const VARIABLE = /\$\{([A-Za-z][A-Za-z0-9_]{0,63})\}/g;

export function variablesIn(template: string): string[] {
  return [...new Set([...template.matchAll(VARIABLE)].map((m) => m[1]))];
}

export function resolveTemplate(
  template: string,
  values: Record<string, string | undefined>,
): { result: string; missing: string[] } {
  const missing = new Set<string>();
  const result = template.replace(VARIABLE, (_match, name: string) => {
    const value = values[name];
    if (value === undefined || value === '') {
      missing.add(name);
      return '';
    }
    return value;
  });
  return { result, missing: [...missing] };
}

/** HTML-escapes values for the HTML body of an email. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}
