import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import { useCallback, useEffect, useState } from 'react';
import type { HealthView } from '../../../lambdas/contract/admin-api';
import { type AdminApi, errorMessage } from '../api';
import { timeAgo } from '../format';
import { idpName } from '../idps';
import { HREF } from '../routing';

/** How often the health line refreshes itself while the page is open. */
const REFRESH_MS = 15_000;

/** "Okta · last request 2 minutes ago · 200", or the last error with its status and SCIM detail. */
export function ConnectionHealth({ api, version }: { api: AdminApi; version: number }) {
  const [health, setHealth] = useState<HealthView | null>(null);
  const [error, setError] = useState<string>();
  const [, setTick] = useState(0);

  const load = useCallback(async () => {
    try {
      setHealth(await api.health());
      setError(undefined);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [api]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new version (a token action) reloads the health.
  useEffect(() => {
    void load();
  }, [load, version]);
  useEffect(() => {
    const timer = window.setInterval(() => {
      setTick((t) => t + 1);
      void load();
    }, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [load]);

  const last = health ? lastRequestOf(health) : null;
  const failed = last !== null && last.status >= 400;
  return (
    <Container
      header={
        <Header
          variant="h2"
          actions={
            <Button iconName="refresh" ariaLabel="Refresh connection health" onClick={() => void load()} />
          }
        >
          Connection health
        </Header>
      }
    >
      <SpaceBetween size="s">
        {error && <Alert type="error">{error}</Alert>}
        {health && (
          <div data-testid="connection-health">
            {last ? (
              <StatusIndicator type={failed ? 'error' : 'success'}>
                {`${idpName(last.idp ?? health.tokens[0]?.idp)} · last request ${timeAgo(last.at)} · ${last.status}`}
                {failed && last.detail ? ` · ${last.detail}` : ''}
              </StatusIndicator>
            ) : (
              <StatusIndicator type="pending">No request from an IdP yet</StatusIndicator>
            )}
          </div>
        )}
        {health?.lastError && (
          <Box variant="small" color="text-body-secondary">
            {`Last error: ${health.lastError.status}${health.lastError.scimType ? ` (${health.lastError.scimType})` : ''} · ${timeAgo(health.lastError.at)} · ${health.lastError.method} ${health.lastError.path}${health.lastError.detail ? ` · ${health.lastError.detail}` : ''}`}
          </Box>
        )}
        {health && (
          <Box variant="small" color="text-body-secondary">
            {`Last 24 hours: ${health.last24h.total} requests · ${health.last24h['2xx']} 2xx · ${health.last24h['4xx']} 4xx · ${health.last24h['5xx']} 5xx`}
          </Box>
        )}
        <Link href={HREF.log}>Open the Provisioning log</Link>
      </SpaceBetween>
    </Container>
  );
}

/** `lastRequest`, or (from an API without it) the newer of the last error and the last success. */
function lastRequestOf(health: HealthView): HealthView['lastRequest'] {
  if (health.lastRequest !== undefined) return health.lastRequest;
  const idp = health.tokens[0]?.idp ?? null;
  const error = health.lastError;
  if (error && (!health.lastSuccessAt || error.at >= health.lastSuccessAt)) {
    return {
      at: error.at,
      status: error.status,
      method: error.method,
      path: error.path,
      idp,
      detail: error.detail,
    };
  }
  if (health.lastSuccessAt) {
    return { at: health.lastSuccessAt, status: 200, method: '', path: '', idp, detail: null };
  }
  return null;
}
