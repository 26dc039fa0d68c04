import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import type { InviteConfig } from '../domain/invites';

/**
 * Configuration is read once, when a function's module loads, and a missing or malformed value stops
 * the cold start with a message that names the variable — never a silent default that would send
 * invitations from a placeholder address. The CDK stack always sets these; `npm start` and the tests
 * set their own local values before the handlers load.
 */
export function readInviteConfig(): InviteConfig {
  const read = (key: string, what: string) =>
    getStringFromEnv({ key, errorMessage: `${key} must be set: ${what}` });
  const fromAddress = read(
    'INVITE_FROM_ADDRESS',
    'the sender of invitation emails (an SES-verified address)',
  );
  if (!/^[^\s@]+@[^\s@]+$/.test(fromAddress)) {
    throw new Error(`INVITE_FROM_ADDRESS must be an email address, not '${fromAddress}'`);
  }
  const urlTemplate = read(
    'INVITE_URL_TEMPLATE',
    'the invitation link, e.g. https://console.example.com/invite?tenant={tenantId}&user={userId}',
  );
  if (!isHttpUrl(urlTemplate.replaceAll('{tenantId}', 't').replaceAll('{userId}', 'u'))) {
    throw new Error(`INVITE_URL_TEMPLATE must be an http(s) URL, not '${urlTemplate}'`);
  }
  return { fromAddress, urlTemplate };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
