import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Spinner from '@cloudscape-design/components/spinner';
import type { UserManager } from 'oidc-client-ts';
import { useEffect, useMemo, useState } from 'react';
import type { ConsoleConfig } from '../../lambdas/contract/admin-api';
import { AdminApi } from './api';
import { App } from './app';
import { cognitoManager, cognitoSession, loadConfig, type Session } from './auth';
import { SignIn } from './pages/sign-in';

/** Loads /config.json, signs in (local key or Cognito), then shows the console for that session. */
export function Console() {
  const [config, setConfig] = useState<ConsoleConfig>();
  const [manager, setManager] = useState<UserManager>();
  const [session, setSession] = useState<Session>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    (async () => {
      const loaded = await loadConfig();
      setConfig(loaded);
      if (loaded.mode === 'cognito') {
        const m = cognitoManager(loaded);
        setManager(m);
        const s = await cognitoSession(loaded, m);
        if (s) setSession(s);
      }
    })().catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, []);

  const api = useMemo(
    () =>
      session && config ? new AdminApi(config.apiBaseUrl, session.tenant, session.authorization) : undefined,
    [session, config],
  );

  if (error) {
    return (
      <main>
        <Box padding="l">
          <h1>Admin console</h1>
          <Alert type="error" header="The console could not start">
            {error}
          </Alert>
        </Box>
      </main>
    );
  }
  if (!config) {
    return (
      <main>
        <Box padding="l">
          <h1>Admin console</h1>
          <Spinner /> Loading…
        </Box>
      </main>
    );
  }
  if (!session || !api) {
    return (
      <SignIn
        config={config}
        manager={manager}
        onSignedIn={setSession}
        onSignedOut={() => setSession(undefined)}
      />
    );
  }
  return (
    <App
      api={api}
      session={session}
      onSignOut={() => void session.signOut().then(() => setSession(undefined))}
    />
  );
}
