/**
 * SCIM PATCH (RFC 7644 §3.5.2): validation of the PatchOp message (`message.ts`), application of its
 * operations to a resource held in memory — users, and the non-member attributes of groups
 * (`apply.ts`, with `target.ts`, `values.ts` and `keys.ts`) — and the translation of group membership
 * operations into edge changes (`members.ts`; members are never loaded, see `planGroupPatch`).
 *
 * Where the RFC is silent or the clients disagree with it, the client quirks from Okta and Microsoft
 * Entra ID win; each such branch says so.
 */
export { applyPatch, type PatchResult } from './apply';
export { type MemberChange, planGroupPatch } from './members';
export {
  MAX_PATCH_OPERATIONS,
  PATCH_OP_SCHEMA,
  type PatchOperation,
  type PatchOpName,
  parsePatchRequest,
} from './message';
export { deepEqual } from './values';
