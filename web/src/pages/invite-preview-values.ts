/** The link exists only when an invitation is sent: the preview shows a stand-in for it. */
export const INVITE_LINK_STAND_IN = '[invitation link]';

/** Fills in the variables known only at sending time (`${inviteLink}`, `${tenantId}`). */
export function withInviteTimeValues(template: string, tenant: string): string {
  return template.replaceAll('${inviteLink}', INVITE_LINK_STAND_IN).replaceAll('${tenantId}', tenant);
}
