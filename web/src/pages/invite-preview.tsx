import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import FormField from '@cloudscape-design/components/form-field';
import Select, { type SelectProps } from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useEffect, useState } from 'react';
import type { ResolveResult } from '../../../lambdas/contract/admin-api';
import { type AdminApi, errorMessage } from '../api';

/** Wait this long after the last keystroke before asking the API to resolve the template again. */
const DEBOUNCE_MS = 300;

/** The invitation as the chosen user would get it: the resolve endpoint fills in each ${variable}. */
export function InvitePreview({
  api,
  subject,
  body,
  savedVersion,
}: {
  api: AdminApi;
  subject: string;
  body: string;
  /** Bumped by each save: the preview resolves again with the saved custom attributes. */
  savedVersion: number;
}) {
  const [user, setUser] = useState<SelectProps.Option | null>(null);
  const [options, setOptions] = useState<SelectProps.Option[]>([]);
  const [status, setStatus] = useState<SelectProps['statusType']>('pending');
  // Each part separately: one part's refusal (an unknown variable) still previews the other.
  const [preview, setPreview] = useState<{ subject: Part; body: Part } | null>(null);
  const [error, setError] = useState<string>();

  const load = async (search: string) => {
    setStatus('loading');
    try {
      const page = await api.listUsers({ search: search || undefined, limit: 20 });
      setOptions(
        page.users.map((u) => ({
          value: u.id,
          label: u.userName,
          description: [u.displayName, u.email].filter(Boolean).join(' · ') || undefined,
        })),
      );
      setStatus('finished');
    } catch (e) {
      setError(errorMessage(e));
      setStatus('error');
    }
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: a save (savedVersion) resolves the preview again.
  useEffect(() => {
    const id = user?.value;
    if (!id) {
      setPreview(null);
      return undefined;
    }
    let current = true;
    const timer = window.setTimeout(() => {
      const resolve = (template: string) => part(api.resolve(id, template));
      void Promise.all([resolve(subject), resolve(body)]).then(([s, b]) => {
        if (!current) return;
        setPreview({ subject: s, body: b });
        setError(undefined);
      });
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [api, user, subject, body, savedVersion]);

  const missing = preview
    ? [...new Set([...(preview.subject.result?.missing ?? []), ...(preview.body.result?.missing ?? [])])]
    : [];
  return (
    <SpaceBetween size="s">
      <FormField label="Preview for user" description="Search by userName or email prefix.">
        <Select
          selectedOption={user}
          onChange={({ detail }) => setUser(detail.selectedOption)}
          options={options}
          placeholder="Choose a user"
          filteringType="manual"
          filteringPlaceholder="Search users"
          filteringAriaLabel="Search users"
          statusType={status}
          loadingText="Loading users"
          errorText="The users could not be loaded"
          empty="No matching user"
          onLoadItems={({ detail }) => void load(detail.filteringText)}
        />
      </FormField>
      {error && <Alert type="error">{error}</Alert>}
      {preview && (
        <div data-testid="invite-preview" aria-live="polite">
          <Box variant="awsui-key-label">Preview subject</Box>
          <PartView part={preview.subject} />
          <Box variant="awsui-key-label" margin={{ top: 's' }}>
            Preview body
          </Box>
          <PartView part={preview.body} />
          {missing.length > 0 && (
            <Box color="text-status-warning" margin={{ top: 's' }}>
              {`No value for this user: ${missing.map((m) => (m.startsWith('${') ? m : `\${${m}}`)).join(', ')}`}
            </Box>
          )}
        </div>
      )}
    </SpaceBetween>
  );
}

interface Part {
  result?: ResolveResult;
  error?: string;
}

function part(promise: Promise<ResolveResult>): Promise<Part> {
  return promise.then(
    (result) => ({ result }),
    (e: unknown) => ({ error: errorMessage(e) }),
  );
}

function PartView({ part: p }: { part: Part }) {
  if (p.error) return <Box color="text-status-error">{`Cannot preview: ${p.error}`}</Box>;
  return (
    <Box>
      <span style={{ whiteSpace: 'pre-wrap' }}>{p.result?.result}</span>
    </Box>
  );
}
