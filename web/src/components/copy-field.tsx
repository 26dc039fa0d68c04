import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import { useEffect, useState } from 'react';

/**
 * A read-only field labelled `label` with a "Copy" button (clipboard API) and a visible "Copied".
 * The button's name is just "Copy" (an aria-label naming the field would also match the field's
 * label in label-based lookups); `testId` tells the two buttons of the secret dialog apart.
 */
export function CopyField({ label, value, testId }: { label: string; value: string; testId?: string }) {
  const [copied, setCopied] = useState<'copied' | 'failed' | null>(null);
  useEffect(() => {
    if (!copied) return undefined;
    const timer = window.setTimeout(() => setCopied(null), 4000);
    return () => window.clearTimeout(timer);
  }, [copied]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('copied');
    } catch {
      setCopied('failed');
    }
  };

  return (
    <FormField label={label} stretch>
      <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
        <div style={{ flex: '1 1 240px', minWidth: 0 }}>
          <Input value={value} readOnly onChange={() => undefined} disableBrowserAutocorrect />
        </div>
        <Button iconName="copy" formAction="none" onClick={() => void copy()} data-testid={testId}>
          Copy
        </Button>
        <Box>
          <span role="status" aria-live="polite">
            {copied === 'copied' && <StatusIndicator type="success">Copied</StatusIndicator>}
            {copied === 'failed' && (
              <StatusIndicator type="error">Copy failed: select the text and copy it</StatusIndicator>
            )}
          </span>
        </Box>
      </div>
    </FormField>
  );
}
