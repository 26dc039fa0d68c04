import Alert from '@cloudscape-design/components/alert';
import AppLayout from '@cloudscape-design/components/app-layout-toolbar';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import type { UserManager } from 'oidc-client-ts';
import { type FormEvent, useEffect, useState } from 'react';
import type { ConsoleConfig } from '../../../lambdas/contract/admin-api';
import { AdminApi, ApiError, errorMessage } from '../api';
import { localSession, type Session } from '../auth';

interface Props {
  config: ConsoleConfig;
  manager?: UserManager;
  onSignedIn(session: Session): void;
  onSignedOut(): void;
}

/** Local: the admin key and a tenant (kept in memory only). Cognito: a redirect to the managed login. */
export function SignIn({ config, manager, onSignedIn, onSignedOut }: Props) {
  useEffect(() => {
    document.title = 'Sign in · Admin console';
  }, []);
  return (
    <AppLayout
      navigationHide
      toolsHide
      ariaLabels={{ navigation: 'Navigation', notifications: 'Notifications' }}
      content={
        <Box padding={{ top: 'xxl' }}>
          <div style={{ maxWidth: 480, margin: '0 auto' }}>
            {config.mode === 'local' ? (
              <LocalSignIn config={config} onSignedIn={onSignedIn} onSignedOut={onSignedOut} />
            ) : (
              <CognitoSignIn manager={manager} />
            )}
          </div>
        </Box>
      }
    />
  );
}

function LocalSignIn({
  config,
  onSignedIn,
  onSignedOut,
}: {
  config: ConsoleConfig;
  onSignedIn(session: Session): void;
  onSignedOut(): void;
}) {
  const [adminKey, setAdminKey] = useState('');
  const [tenant, setTenant] = useState('');
  const [errors, setErrors] = useState<{ key?: string; tenant?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const missing = {
      key: adminKey.trim() ? undefined : 'Enter the admin key (npm start prints it).',
      tenant: tenant.trim() ? undefined : 'Enter the tenant to administer.',
    };
    setErrors(missing);
    if (missing.key || missing.tenant) return;
    setBusy(true);
    const key = adminKey.trim();
    const id = tenant.trim();
    try {
      // One cheap call proves the key before the console opens.
      await new AdminApi(config.apiBaseUrl, id, async () => `Bearer ${key}`).listTokens();
      onSignedIn(localSession(key, id, onSignedOut));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) setErrors({ key: 'The admin key was refused.' });
      else if (error instanceof ApiError && error.status === 400) setErrors({ tenant: error.message });
      else setErrors({ form: errorMessage(error) });
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Form
        header={
          <Header
            variant="h1"
            description="Local mode: the admin key npm start printed, kept in memory only."
          >
            Sign in to the admin console
          </Header>
        }
        errorText={errors.form}
        actions={
          <Button variant="primary" formAction="submit" loading={busy}>
            Sign in
          </Button>
        }
      >
        <Container>
          <SpaceBetween size="l">
            <FormField label="Admin key" errorText={errors.key}>
              <Input
                type="password"
                value={adminKey}
                onChange={({ detail }) => setAdminKey(detail.value)}
                autoComplete={false}
                disableBrowserAutocorrect
              />
            </FormField>
            <FormField label="Tenant" errorText={errors.tenant}>
              <Input
                value={tenant}
                onChange={({ detail }) => setTenant(detail.value)}
                disableBrowserAutocorrect
              />
            </FormField>
          </SpaceBetween>
        </Container>
      </Form>
    </form>
  );
}

function CognitoSignIn({ manager }: { manager?: UserManager }) {
  const [error, setError] = useState<string>();
  return (
    <Container header={<Header variant="h1">Sign in to the admin console</Header>}>
      <SpaceBetween size="l">
        <Box>You sign in with your organisation's admin account (Cognito managed login).</Box>
        {error && <Alert type="error">{error}</Alert>}
        <Button
          variant="primary"
          disabled={!manager}
          onClick={() => manager?.signinRedirect().catch((e: unknown) => setError(errorMessage(e)))}
        >
          Sign in
        </Button>
      </SpaceBetween>
    </Container>
  );
}
