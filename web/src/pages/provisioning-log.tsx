import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import ContentLayout from '@cloudscape-design/components/content-layout';
import DateRangePicker, { type DateRangePickerProps } from '@cloudscape-design/components/date-range-picker';
import ExpandableSection from '@cloudscape-design/components/expandable-section';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Select, { type SelectProps } from '@cloudscape-design/components/select';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import Tabs from '@cloudscape-design/components/tabs';
import { useCallback, useState } from 'react';
import type { AuditEntryView, RequestLogRow } from '../../../lambdas/contract/admin-api';
import type { AdminApi } from '../api';
import type { PageProps } from '../app';
import { CursorPagination } from '../components/navigation-parts';
import { dateTime } from '../format';
import { idpName } from '../idps';
import { useCursorPages } from '../paging';

const PAGE_SIZE = 50;

const STATUS_OPTIONS: SelectProps.Option[] = [
  { value: '', label: 'Any status' },
  { value: '2xx', label: '2xx (success)' },
  { value: '4xx', label: '4xx (refused)' },
  { value: '5xx', label: '5xx (failed)' },
];
const RESOURCE_OPTIONS: SelectProps.Option[] = [
  { value: '', label: 'Any resource' },
  ...['Users', 'Groups', 'Bulk', 'ServiceProviderConfig', 'ResourceTypes', 'Schemas'].map((r) => ({
    value: r,
    label: r,
  })),
];
const UNIT_MS: Record<DateRangePickerProps.TimeUnit, number> = {
  second: 1_000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
  month: 2_592_000_000,
  year: 31_536_000_000,
};

/** The time range as since/until (ISO): a relative range ends now. */
export function rangeBounds(
  range: DateRangePickerProps.Value | null,
  now = Date.now(),
): { since?: string; until?: string } {
  if (!range) return {};
  if (range.type === 'relative')
    return { since: new Date(now - range.amount * UNIT_MS[range.unit]).toISOString() };
  return { since: new Date(range.startDate).toISOString(), until: new Date(range.endDate).toISOString() };
}

/** Provisioning log: every SCIM request (filterable, each expandable to its detail) and the audit trail. */
export default function ProvisioningLog({ api }: PageProps) {
  const [tab, setTab] = useState('requests');
  return (
    <ContentLayout
      header={
        <Header variant="h1" description="What your IdP asked and what it was answered; what admins changed.">
          Provisioning log
        </Header>
      }
    >
      <Tabs
        activeTabId={tab}
        onChange={({ detail }) => setTab(detail.activeTabId)}
        ariaLabel="Provisioning log"
        tabs={[
          { id: 'requests', label: 'Request log', content: <RequestLog api={api} /> },
          { id: 'audit', label: 'Audit trail', content: <AuditTrail api={api} /> },
        ]}
      />
    </ContentLayout>
  );
}

function RequestLog({ api }: { api: AdminApi }) {
  const [status, setStatus] = useState(STATUS_OPTIONS[0]);
  const [resource, setResource] = useState(RESOURCE_OPTIONS[0]);
  const [range, setRange] = useState<DateRangePickerProps.Value | null>(null);
  const fetchPage = useCallback(
    async (cursor: string | null) => {
      const page = await api.listRequests({
        status: status.value || undefined,
        resource: resource.value || undefined,
        ...rangeBounds(range),
        cursor,
        limit: PAGE_SIZE,
      });
      return { items: page.requests, nextCursor: page.nextCursor };
    },
    [api, status, resource, range],
  );
  const pages = useCursorPages<RequestLogRow>(fetchPage);
  return (
    <Table
      header={<Header variant="h2">Request log</Header>}
      ariaLabels={{ tableLabel: 'Request log' }}
      items={pages.items}
      trackBy="requestId"
      loading={pages.loading}
      loadingText="Loading requests"
      wrapLines
      empty={<Box textAlign="center">No request matches.</Box>}
      filter={
        <div style={{ display: 'flex', flexWrap: 'wrap', gap: 16, alignItems: 'flex-end' }}>
          <FormField label="Status">
            <Select
              selectedOption={status}
              options={STATUS_OPTIONS}
              onChange={({ detail }) => setStatus(detail.selectedOption)}
            />
          </FormField>
          <FormField label="Resource">
            <Select
              selectedOption={resource}
              options={RESOURCE_OPTIONS}
              onChange={({ detail }) => setResource(detail.selectedOption)}
            />
          </FormField>
          <FormField label="Time range">
            <DateRangePicker
              value={range}
              onChange={({ detail }) => setRange(detail.value)}
              placeholder="Any time"
              relativeOptions={[
                { key: 'last-15m', amount: 15, unit: 'minute', type: 'relative' },
                { key: 'last-1h', amount: 1, unit: 'hour', type: 'relative' },
                { key: 'last-24h', amount: 24, unit: 'hour', type: 'relative' },
                { key: 'last-7d', amount: 7, unit: 'day', type: 'relative' },
              ]}
              isValidRange={(value) => {
                if (value?.type === 'absolute' && (!value.startDate || !value.endDate)) {
                  return { valid: false, errorMessage: 'Choose a start and an end.' };
                }
                if (value?.type === 'absolute' && value.startDate > value.endDate) {
                  return { valid: false, errorMessage: 'The start must be before the end.' };
                }
                return { valid: true };
              }}
              expandToViewport
            />
          </FormField>
          {pages.error && <Alert type="error">{pages.error}</Alert>}
        </div>
      }
      pagination={<CursorPagination pages={pages} />}
      columnDefinitions={[
        { id: 'at', header: 'Time', minWidth: 120, cell: (r) => dateTime(r.at) },
        {
          id: 'status',
          header: 'Status',
          cell: (r) => (
            <StatusIndicator type={r.status >= 500 ? 'error' : r.status >= 400 ? 'warning' : 'success'}>
              {String(r.status)}
            </StatusIndicator>
          ),
        },
        {
          id: 'detail',
          header: 'Detail',
          // Wide enough to read when expanded: a phone scrolls the table sideways instead of breaking words.
          minWidth: 280,
          width: 320,
          cell: (r) => (
            <ExpandableSection headerText={r.status >= 400 ? 'Error detail' : 'Details'} variant="footer">
              <Box variant="small">
                {r.status >= 400 && (
                  <div>{`SCIM error: ${r.scimType ?? '(no scimType)'} · ${r.detail ?? '(no detail)'}`}</div>
                )}
                <div>{`Resource: ${r.resourceType ?? '—'} ${r.resourceId ?? ''}`}</div>
                <div>{`Token: ${r.tokenId ?? '—'} · ${r.latencyMs} ms`}</div>
                <div>{`User agent: ${r.userAgent ?? '—'}`}</div>
                <div>{`Request id: ${r.requestId}`}</div>
              </Box>
            </ExpandableSection>
          ),
        },
        // After the detail: on a phone, time, status and the expandable detail are what fits.
        { id: 'request', header: 'Request', cell: (r) => `${r.method} ${r.path}` },
        { id: 'idp', header: 'IdP', cell: (r) => (r.idp ? idpName(r.idp) : '—') },
      ]}
    />
  );
}

function AuditTrail({ api }: { api: AdminApi }) {
  const fetchPage = useCallback(
    async (cursor: string | null) => {
      const page = await api.listAudit({ cursor, limit: PAGE_SIZE });
      return { items: page.entries, nextCursor: page.nextCursor };
    },
    [api],
  );
  const pages = useCursorPages<AuditEntryView>(fetchPage);
  return (
    <Table
      header={<Header variant="h2">Audit trail</Header>}
      ariaLabels={{ tableLabel: 'Audit trail' }}
      items={pages.items}
      trackBy={(e) => `${e.at}-${e.requestId}-${e.action}`}
      loading={pages.loading}
      loadingText="Loading the audit trail"
      wrapLines
      empty={<Box textAlign="center">No admin change yet.</Box>}
      filter={pages.error ? <Alert type="error">{pages.error}</Alert> : undefined}
      pagination={<CursorPagination pages={pages} />}
      columnDefinitions={[
        { id: 'at', header: 'Time', cell: (e) => dateTime(e.at) },
        { id: 'actor', header: 'Actor', cell: (e) => e.actor },
        { id: 'action', header: 'Action', cell: (e) => e.action },
        {
          id: 'target',
          header: 'Target',
          cell: (e) => (e.target.type === 'token' ? `token ${e.target.id}` : 'settings'),
        },
        {
          id: 'changes',
          header: 'Changes',
          cell: (e) =>
            Object.entries(e.changes ?? {})
              .map(([field, c]) => `${field}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`)
              .join('; ') || '—',
        },
      ]}
    />
  );
}
