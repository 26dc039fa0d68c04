/**
 * The identity provider a token is made for (the console's *Choose Identity Provider (IdP)*). It is
 * stored on the token, and every user and group the token creates takes its Source from it — not from
 * the User-Agent, which any client may set to anything.
 */
export const IDPS = ['okta', 'entra', 'onelogin', 'jumpcloud', 'pingone', 'generic'] as const;
export type Idp = (typeof IDPS)[number];

/** A token created without `idp`, and every token item written before the idp existed, is Okta's. */
export const DEFAULT_IDP: Idp = 'okta';

/** The Source the console shows for what a token of this IdP provisioned. */
export const SOURCE_LABELS: Readonly<Record<Idp, string>> = {
  okta: 'SCIM Okta',
  entra: 'SCIM Microsoft Entra ID',
  onelogin: 'SCIM OneLogin',
  jumpcloud: 'SCIM JumpCloud',
  pingone: 'SCIM PingOne',
  generic: 'SCIM 2.0',
};

export function isIdp(value: unknown): value is Idp {
  return typeof value === 'string' && (IDPS as readonly string[]).includes(value);
}

/** The idp of a stored token item or an authorizer context; absent (written before it existed) is okta. */
export function idpOrDefault(value: unknown): Idp {
  return isIdp(value) ? value : DEFAULT_IDP;
}

/** Who provisioned a user or a group: the IdP of the token that created it, and the label shown. */
export interface ProvisioningSource {
  idp: Idp;
  /** Label the console shows, e.g. "SCIM Okta". */
  label: string;
  /** The creating request's User-Agent (first 200 characters), for operators; never the Source. */
  userAgent?: string;
}

/** The source of a resource created through a token of `idp`. */
export function sourceOf(idp: Idp, userAgent?: string): ProvisioningSource {
  return { idp, label: SOURCE_LABELS[idp], ...(userAgent ? { userAgent: userAgent.slice(0, 200) } : {}) };
}

/**
 * A stored `source` as the record keeps it. Users written before the idp existed carry
 * `{client: 'okta' | 'entra' | 'other', label}` guessed from the User-Agent: they keep the label they
 * were shown with, and `client` becomes the idp (`other` -> `generic`). Groups written before it carry
 * no source: they read as Okta's, like the tokens of that time (docs/decisions.md).
 */
export function storedSource(raw: unknown): ProvisioningSource {
  if (!raw || typeof raw !== 'object') return sourceOf(DEFAULT_IDP);
  const stored = raw as Record<string, unknown>;
  const legacyClient = stored.client === 'other' ? 'generic' : stored.client;
  const idp = isIdp(stored.idp) ? stored.idp : idpOrDefault(legacyClient);
  const label = typeof stored.label === 'string' ? stored.label : SOURCE_LABELS[idp];
  const userAgent = typeof stored.userAgent === 'string' ? stored.userAgent : undefined;
  return { idp, label, ...(userAgent ? { userAgent } : {}) };
}
