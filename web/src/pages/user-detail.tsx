import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import { useCallback, useEffect, useState } from 'react';
import type { UserDetailView } from '../../../lambdas/contract/admin-api';
import { errorMessage } from '../api';
import type { PageProps } from '../app';
import { ConsoleLink } from '../components/navigation-parts';
import { InviteCell, resendRefusal, StatusCell } from '../components/user-cells';
import { dateTime } from '../format';
import { HREF } from '../routing';

/** One user: its fields, groups, invitation, and the raw SCIM JSON an IdP reads. */
export default function UserDetail({ api, navigate, id }: PageProps & { id: string }) {
  const [user, setUser] = useState<UserDetailView | null>(null);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    api
      .getUser(id)
      .then(setUser)
      .catch((e: unknown) => setError(errorMessage(e)));
  }, [api, id]);
  useEffect(load, [load]);

  const resend = async () => {
    setBusy(true);
    setNotice(undefined);
    try {
      const result = await api.resendInvite(id);
      setNotice(`Invitation: ${result.invite.state}.`);
      load();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  if (error && !user)
    return (
      <Alert type="error" header="The user could not be loaded">
        {error}
      </Alert>
    );
  if (!user) {
    return (
      <Box padding="l">
        <Spinner /> Loading user…
      </Box>
    );
  }
  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          description={user.displayName ?? undefined}
          actions={
            <Button
              loading={busy}
              disabled={resendRefusal(user.invite) !== undefined}
              disabledReason={resendRefusal(user.invite)}
              onClick={() => void resend()}
            >
              Resend invitation
            </Button>
          }
        >
          {user.userName}
        </Header>
      }
    >
      <SpaceBetween size="l">
        {error && <Alert type="error">{error}</Alert>}
        {notice && <Alert type="success">{notice}</Alert>}
        <Container header={<Header variant="h2">Details</Header>}>
          <KeyValuePairs
            columns={3}
            items={[
              { label: 'Name', value: user.displayName ?? '—' },
              { label: 'userName', value: user.userName },
              { label: 'Email', value: user.email ?? '—' },
              { label: 'Status', value: <StatusCell active={user.active} /> },
              { label: 'Source', value: user.source },
              { label: 'Invitation', value: <InviteCell invite={user.invite} /> },
              {
                label: 'Groups',
                value:
                  (user.groups ?? []).length === 0 ? (
                    '—'
                  ) : (
                    <SpaceBetween size="xxs">
                      {user.groups.map((g) => (
                        <ConsoleLink key={g.id} href={HREF.group(g.id)} navigate={navigate}>
                          {g.displayName}
                        </ConsoleLink>
                      ))}
                      {user.moreGroups && <Box>…and more</Box>}
                    </SpaceBetween>
                  ),
              },
              { label: 'Created', value: dateTime(user.created) },
              { label: 'Last modified', value: dateTime(user.lastModified) },
            ]}
          />
        </Container>
        <Container header={<Header variant="h2">SCIM representation</Header>}>
          <section
            data-testid="user-scim"
            // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard.
            tabIndex={0}
            aria-label="SCIM representation (JSON)"
            style={{ overflow: 'auto', maxHeight: 480 }}
          >
            <pre style={{ margin: 0, fontSize: 13 }}>
              {user.scim ? JSON.stringify(user.scim, null, 2) : 'The API answered no SCIM representation.'}
            </pre>
          </section>
        </Container>
      </SpaceBetween>
    </ContentLayout>
  );
}
