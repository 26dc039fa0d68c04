/** Limits the service advertises in /ServiceProviderConfig and enforces. */
export const SCIM_LIMITS = {
  /** Largest `count` honoured; larger requests are capped (RFC 7644 §3.4.2.4). Okta pages by 100. */
  maxResults: 1000,
  /** `count` when the client sends none. */
  defaultCount: 100,
  /** How long a cursor of RFC 9865 paging stays valid, in seconds (ServiceProviderConfig cursorTimeout). */
  cursorTimeoutSeconds: 3600,
  /** Largest request body accepted. */
  maxPayloadBytes: 1024 * 1024,
} as const;
