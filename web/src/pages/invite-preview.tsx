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
export function InvitePreview({ api, subject, body }: { api: AdminApi; subject: string; body: string }) {
  const [user, setUser] = useState<SelectProps.Option | null>(null);
  const [options, setOptions] = useState<SelectProps.Option[]>([]);
  const [status, setStatus] = useState<SelectProps['statusType']>('pending');
  const [preview, setPreview] = useState<{ subject: ResolveResult; body: ResolveResult } | null>(null);
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

  useEffect(() => {
    const id = user?.value;
    if (!id) {
      setPreview(null);
      return undefined;
    }
    let current = true;
    const timer = window.setTimeout(() => {
      Promise.all([api.resolve(id, subject), api.resolve(id, body)])
        .then(([s, b]) => {
          if (!current) return;
          setPreview({ subject: s, body: b });
          setError(undefined);
        })
        .catch((e: unknown) => current && setError(errorMessage(e)));
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [api, user, subject, body]);

  const missing = preview ? [...new Set([...preview.subject.missing, ...preview.body.missing])] : [];
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
          <Box>{preview.subject.result}</Box>
          <Box variant="awsui-key-label" margin={{ top: 's' }}>
            Preview body
          </Box>
          <Box>
            <span style={{ whiteSpace: 'pre-wrap' }}>{preview.body.result}</span>
          </Box>
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
