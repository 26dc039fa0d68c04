import { InMemoryWebStorage, UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { ConsoleConfig } from '../../lambdas/contract/admin-api';

/** Who is signed in, and how to authorize the admin API's requests. */
export interface Session {
  tenant: string;
  /** Shown in the top bar. */
  user: string;
  authorization(): Promise<string>;
  signOut(): Promise<void>;
}

/** GET /config.json, next to index.html. */
export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch('./config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json answered ${response.status}`);
  const config = (await response.json()) as ConsoleConfig;
  if (config.mode !== 'local' && config.mode !== 'cognito') throw new Error('config.json: unknown mode');
  return config;
}

/**
 * Local mode: the admin key is kept in this closure only — never in local/session storage, a cookie
 * or the URL — so reloading the page signs out.
 */
export function localSession(adminKey: string, tenant: string, onSignOut: () => void): Session {
  return {
    tenant,
    user: 'local admin',
    authorization: async () => `Bearer ${adminKey}`,
    signOut: async () => onSignOut(),
  };
}

/**
 * Cognito mode: authorization code + PKCE with oidc-client-ts. Tokens live in an in-memory store;
 * only the transient sign-in state (state, nonce, PKCE verifier) is in sessionStorage, because it
 * must survive the redirect to the managed login and back, and is removed once the code is redeemed.
 */
export function cognitoManager(config: Extract<ConsoleConfig, { mode: 'cognito' }>): UserManager {
  return new UserManager({
    authority: config.authority,
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    post_logout_redirect_uri: config.redirectUri,
    response_type: 'code',
    scope: 'openid email profile',
    userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
    automaticSilentRenew: false,
    loadUserInfo: false,
  });
}

/** Finishes a redirect back from the managed login (when the URL carries ?code=), else undefined. */
export async function cognitoSession(
  config: Extract<ConsoleConfig, { mode: 'cognito' }>,
  manager: UserManager,
): Promise<Session | undefined> {
  const params = new URLSearchParams(window.location.search);
  if (!params.has('code') && !params.has('error')) return undefined;
  const user = await manager.signinRedirectCallback();
  // The code and state must not stay in the address bar (or the history).
  window.history.replaceState(null, '', `${window.location.pathname}#/provisioning`);
  const tenant = String(user.profile['custom:tenantId'] ?? '');
  if (!tenant)
    throw new Error('The ID token has no custom:tenantId claim: ask an operator to add you to a tenant.');
  const idToken = user.id_token;
  if (!idToken) throw new Error('The sign-in answered no ID token.');
  return {
    tenant,
    user: String(user.profile.email ?? user.profile.sub),
    authorization: async () => {
      const current = await manager.getUser();
      if (!current || current.expired) throw new Error('Your session has expired: sign in again.');
      return `Bearer ${current.id_token ?? idToken}`;
    },
    signOut: async () => {
      await manager.removeUser();
      // Cognito's managed-login logout endpoint (it does not publish end_session_endpoint).
      const logout = new URL('/logout', config.domain);
      logout.searchParams.set('client_id', config.clientId);
      logout.searchParams.set('logout_uri', config.redirectUri);
      window.location.assign(logout.toString());
    },
  };
}
