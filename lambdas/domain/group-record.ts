import type { ProvisioningSource } from './idp';

/** A group as the domain keeps it. Members are NOT here: one item per membership, never loaded whole. */
export interface GroupRecord {
  tenantId: string;
  id: string;
  displayName: string;
  /** Writable attributes other than members (externalId, Microsoft extension data, ...). */
  attributes: Record<string, unknown>;
  memberCount: number;
  created: string;
  lastModified: string;
  /** The ETag's version. It counts member-count changes the group item has not folded yet. */
  version: number;
  /** Who created it: the IdP of the token (lambdas/domain/idp.ts); never changed afterwards. */
  source: ProvisioningSource;
  /**
   * The version written on the group item, when read from it: the store conditions its writes on it
   * (docs/data-model.md, count deltas). The rules never read it.
   */
  itemVersion?: number;
}

export interface MemberRef {
  value: string;
  display?: string;
}

/** One member to add, with the display name its edge keeps. */
export interface MemberAdd {
  userId: string;
  display?: string;
}
