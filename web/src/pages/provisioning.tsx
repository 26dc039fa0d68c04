import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import ButtonDropdown from '@cloudscape-design/components/button-dropdown';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { IdpId, IssuedTokenView, TokenView } from '../../../lambdas/contract/admin-api';
import { errorMessage } from '../api';
import type { PageProps } from '../app';
import { ConfirmModal } from '../components/confirm-modal';
import { SecretModal } from '../components/secret-modal';
import { dateTime, timeAgo } from '../format';
import { IDPS, idpInfo, idpName } from '../idps';
import { HREF } from '../routing';
import { ConnectionHealth } from './connection-health';
import { SetupSteps } from './setup-steps';

/** At most this many tokens per tenant (one to use, one to rotate to). */
const MAX_TOKENS = 2;

type Confirm = { kind: 'generate' } | { kind: 'renew' | 'remove'; token: TokenView } | null;

/** User Provisioning: choose the IdP, generate and manage tokens, connection health, setup steps. */
export default function Provisioning({ api, navigate, idp, setIdp }: PageProps) {
  const [tokens, setTokens] = useState<TokenView[] | null>(null);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [confirm, setConfirm] = useState<Confirm>(null);
  const [busy, setBusy] = useState(false);
  // The secret: in this state only, while the dialog showing it is open.
  const [issued, setIssued] = useState<IssuedTokenView | null>(null);
  const [renewed, setRenewed] = useState(false);
  // Not a secret: kept after the dialog closes, for the setup steps.
  const [issuedScimUrl, setIssuedScimUrl] = useState<string | null>(null);
  const [healthVersion, setHealthVersion] = useState(0);
  // The token a closing confirmation still names while it fades out.
  const confirmed = useRef<TokenView | null>(null);
  if (confirm && confirm.kind !== 'generate') confirmed.current = confirm.token;
  const hint = confirmed.current?.hint ?? '';

  const reload = useCallback(async () => {
    try {
      setTokens((await api.listTokens()).tokens);
      setHealthVersion((v) => v + 1);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [api]);
  useEffect(() => {
    void reload();
  }, [reload]);

  /** Runs a token action; its notice shows only once the table shows its result. */
  const act = async (run: () => Promise<string | undefined>) => {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    let message: string | undefined;
    try {
      message = await run();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setConfirm(null);
      await reload();
      setBusy(false);
      setNotice(message);
    }
  };

  const generate = () =>
    act(async () => {
      const result = await api.createToken(idp);
      setConfirm(null);
      setRenewed(false);
      setIssued(result);
      setIssuedScimUrl(result.scimBaseUrl);
      return undefined;
    });
  const renew = (token: TokenView) =>
    act(async () => {
      const result = await api.renewToken(token.id);
      setConfirm(null);
      setRenewed(true);
      setIssued(result);
      setIssuedScimUrl(result.scimBaseUrl);
      return undefined;
    });
  const remove = (token: TokenView) =>
    act(async () => {
      await api.removeToken(token.id);
      return `Token ending in ${token.hint} removed.`;
    });
  const setStatus = (token: TokenView, status: 'active' | 'inactive') =>
    act(async () => {
      await api.setTokenStatus(token.id, status);
      return `Token ending in ${token.hint} set to ${status === 'active' ? 'Active' : 'Inactive'}.`;
    });

  const full = (tokens?.length ?? 0) >= MAX_TOKENS;
  const chosen = idpInfo(idp) ?? IDPS[0];
  const options = IDPS.map((i) => ({ value: i.id, label: i.name }));

  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          description="Connect your identity provider: it creates, updates and deactivates users and groups here by SCIM 2.0."
          actions={<Button onClick={() => navigate(HREF.settings)}>Edit Settings</Button>}
        >
          User Provisioning
        </Header>
      }
    >
      <SpaceBetween size="l">
        {error && (
          <Alert type="error" dismissible onDismiss={() => setError(undefined)}>
            {error}
          </Alert>
        )}
        {notice && (
          <Alert type="success" dismissible onDismiss={() => setNotice(undefined)}>
            {notice}
          </Alert>
        )}
        <ConnectionHealth api={api} version={healthVersion} />
        <Container header={<Header variant="h2">Generate a token</Header>}>
          <SpaceBetween size="m">
            <FormField
              label="Choose Identity Provider (IdP)"
              description="The IdP is stored on the token; users it provisions show it as their Source."
            >
              <Select
                selectedOption={options.find((o) => o.value === idp) ?? options[0]}
                options={options}
                onChange={({ detail }) => setIdp(detail.selectedOption.value as IdpId)}
              />
            </FormField>
            <SpaceBetween size="xs">
              <Button
                variant="primary"
                disabled={full || tokens === null}
                onClick={() => setConfirm({ kind: 'generate' })}
              >
                Generate
              </Button>
              {full && (
                <Box color="text-status-warning">
                  Generate is disabled: a tenant has at most {MAX_TOKENS} tokens. Remove one (or renew it) to
                  get a new secret.
                </Box>
              )}
            </SpaceBetween>
          </SpaceBetween>
        </Container>
        <Table
          variant="container"
          header={
            <Header
              variant="h2"
              counter={tokens ? `(${tokens.length}/${MAX_TOKENS})` : undefined}
              actions={<Button iconName="refresh" ariaLabel="Refresh tokens" onClick={() => void reload()} />}
            >
              Token Status
            </Header>
          }
          ariaLabels={{ tableLabel: 'Token Status' }}
          loading={tokens === null && !error}
          loadingText="Loading tokens"
          items={tokens ?? []}
          trackBy="id"
          empty={<Box textAlign="center">No token yet: choose your IdP and generate one.</Box>}
          columnDefinitions={[
            { id: 'hint', header: 'Token', cell: (t) => `••••${t.hint}` },
            { id: 'idp', header: 'IdP', cell: (t) => idpName(t.idp) },
            {
              id: 'status',
              header: 'Status',
              cell: (t) =>
                t.status === 'active' ? (
                  <StatusIndicator type="success">Active</StatusIndicator>
                ) : (
                  <StatusIndicator type="stopped">Inactive</StatusIndicator>
                ),
            },
            { id: 'created', header: 'Created', cell: (t) => dateTime(t.createdAt) },
            {
              id: 'lastUsed',
              header: 'Last used',
              cell: (t) => (t.lastUsedAt ? timeAgo(t.lastUsedAt) : 'never'),
            },
            {
              id: 'actions',
              header: 'Actions',
              minWidth: 130,
              cell: (t) => (
                <ButtonDropdown
                  ariaLabel={`Select action for token ending in ${t.hint}`}
                  disabled={busy}
                  expandToViewport
                  items={[
                    { id: 'active', text: 'Set to Active', disabled: t.status === 'active' },
                    { id: 'inactive', text: 'Set to Inactive', disabled: t.status === 'inactive' },
                    { id: 'renew', text: 'Renew' },
                    { id: 'remove', text: 'Remove' },
                  ]}
                  onItemClick={({ detail }) => {
                    if (detail.id === 'active') void setStatus(t, 'active');
                    if (detail.id === 'inactive') void setStatus(t, 'inactive');
                    if (detail.id === 'renew') setConfirm({ kind: 'renew', token: t });
                    if (detail.id === 'remove') setConfirm({ kind: 'remove', token: t });
                  }}
                >
                  Select
                </ButtonDropdown>
              ),
            },
          ]}
        />
        <SetupSteps idp={chosen} scimUrl={issuedScimUrl ?? api.scimBaseUrl()} />
      </SpaceBetween>

      <ConfirmModal
        visible={confirm?.kind === 'generate'}
        header="Generate a token?"
        action="Generate"
        busy={busy}
        onConfirm={() => void generate()}
        onDismiss={() => setConfirm(null)}
      >
        A new SCIM token for {chosen.name} will be created and shown once.
      </ConfirmModal>
      <ConfirmModal
        visible={confirm?.kind === 'renew'}
        header="Renew this token?"
        action="Renew"
        busy={busy}
        onConfirm={() => confirm?.kind === 'renew' && void renew(confirm.token)}
        onDismiss={() => setConfirm(null)}
      >
        The token ending in {hint} gets a new secret; the current secret stops working at once. Paste the new
        one into your IdP.
      </ConfirmModal>
      <ConfirmModal
        visible={confirm?.kind === 'remove'}
        header="Remove this token?"
        action="Remove"
        busy={busy}
        onConfirm={() => confirm?.kind === 'remove' && void remove(confirm.token)}
        onDismiss={() => setConfirm(null)}
      >
        The token ending in {hint} is removed; your IdP can no longer provision with it.
      </ConfirmModal>
      <SecretModal issued={issued} renewed={renewed} onDismiss={() => setIssued(null)} />
    </ContentLayout>
  );
}
