import Alert from '@cloudscape-design/components/alert';
import AttributeEditor from '@cloudscape-design/components/attribute-editor';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import Textarea from '@cloudscape-design/components/textarea';
import Toggle from '@cloudscape-design/components/toggle';
import { type FormEvent, useEffect, useState } from 'react';
import type { SettingsInput, SettingsView } from '../../../lambdas/contract/admin-api';
import { errorMessage, fieldErrors } from '../api';
import type { PageProps } from '../app';
import { idpName } from '../idps';
import { HREF } from '../routing';
import { useUnsavedChanges } from '../unsaved';
import { InvitePreview } from './invite-preview';

interface AttributeRow {
  name: string;
  scimPath: string;
  description: string;
}
interface Draft {
  autoInviteUsers: boolean;
  customAttributes: AttributeRow[];
  subject: string;
  body: string;
}

function toDraft(settings: SettingsView): Draft {
  return {
    autoInviteUsers: settings.autoInviteUsers,
    customAttributes: settings.customAttributes.map((a) => ({
      name: a.name,
      scimPath: a.scimPath,
      description: a.description ?? '',
    })),
    subject: settings.inviteEmail.subject,
    body: settings.inviteEmail.body,
  };
}

function toInput(draft: Draft): SettingsInput {
  return {
    autoInviteUsers: draft.autoInviteUsers,
    customAttributes: draft.customAttributes.map((a) => ({
      name: a.name,
      scimPath: a.scimPath,
      ...(a.description ? { description: a.description } : {}),
    })),
    inviteEmail: { subject: draft.subject, body: draft.body },
  };
}

/** Edit Settings: auto-invite, custom attributes, the invitation email with a live preview. */
export default function Settings({ api, navigate, idp }: PageProps) {
  const [saved, setSaved] = useState<Draft | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [loadError, setLoadError] = useState<string>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [saving, setSaving] = useState(false);
  const [savedVersion, setSavedVersion] = useState(0);

  useEffect(() => {
    api
      .getSettings()
      .then((s) => {
        setSaved(toDraft(s));
        setDraft(toDraft(s));
      })
      .catch((e: unknown) => setLoadError(errorMessage(e)));
  }, [api]);

  const dirty = saved !== null && draft !== null && JSON.stringify(saved) !== JSON.stringify(draft);
  useUnsavedChanges(dirty);

  if (loadError)
    return (
      <Alert type="error" header="The settings could not be loaded">
        {loadError}
      </Alert>
    );
  if (!draft) {
    return (
      <Box padding="l">
        <Spinner /> Loading settings…
      </Box>
    );
  }

  const update = (change: Partial<Draft>) => {
    setNotice(undefined);
    setDraft({ ...draft, ...change });
  };
  const updateRow = (index: number, change: Partial<AttributeRow>) =>
    update({
      customAttributes: draft.customAttributes.map((row, i) => (i === index ? { ...row, ...change } : row)),
    });

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setErrors({});
    setFormError(undefined);
    try {
      const result = toDraft(await api.putSettings(toInput(draft)));
      setSaved(result);
      setDraft(result);
      setNotice('Settings saved.');
      setSavedVersion((v) => v + 1);
    } catch (e) {
      const byPath = fieldErrors(e);
      setErrors(byPath);
      const elsewhere = Object.keys(byPath).filter((path) => !isShownInline(path, draft));
      // With field errors, each is shown next to its own field; the form only says so once.
      const summary =
        Object.keys(byPath).length > 0
          ? 'Some fields are invalid: see the message under each.'
          : errorMessage(e);
      setFormError([summary, ...elsewhere.map((path) => `${path}: ${byPath[path]}`)].join(' · '));
    } finally {
      setSaving(false);
    }
  };

  const idpLabel = idpName(idp);
  return (
    <form onSubmit={(e) => void save(e)} noValidate>
      <Form
        header={
          <Header
            variant="h1"
            description="How users provisioned by your IdP are invited, and which extra attributes are kept."
          >
            Edit Settings
          </Header>
        }
        errorText={formError}
        actions={
          <SpaceBetween direction="horizontal" size="xs">
            <Button formAction="none" variant="link" onClick={() => navigate(HREF.provisioning)}>
              Cancel
            </Button>
            <Button variant="primary" formAction="submit" loading={saving}>
              Save Changes
            </Button>
          </SpaceBetween>
        }
      >
        <SpaceBetween size="l">
          {notice && (
            <Alert type="success" dismissible onDismiss={() => setNotice(undefined)}>
              {notice}
            </Alert>
          )}
          {dirty && <Box color="text-status-warning">You have unsaved changes.</Box>}
          <Container header={<Header variant="h2">Invitations</Header>}>
            <FormField
              errorText={errors.autoInviteUsers}
              description="Each user created by SCIM gets the invitation email below."
            >
              <Toggle
                checked={draft.autoInviteUsers}
                onChange={({ detail }) => update({ autoInviteUsers: detail.checked })}
              >
                {`Automatically invite users imported from ${idpLabel}`}
              </Toggle>
            </FormField>
          </Container>
          <Container
            header={
              <Header
                variant="h2"
                description="Extra SCIM attributes kept on each user, usable as ${name} in the invitation."
              >
                Custom attributes
              </Header>
            }
          >
            <SpaceBetween size="s">
              {errors.customAttributes && <Box color="text-status-error">{errors.customAttributes}</Box>}
              <AttributeEditor
                items={draft.customAttributes}
                addButtonText="Add Custom Attribute"
                removeButtonText="Remove"
                empty="No custom attribute."
                onAddButtonClick={() =>
                  update({
                    customAttributes: [
                      ...draft.customAttributes,
                      { name: '', scimPath: '', description: '' },
                    ],
                  })
                }
                onRemoveButtonClick={({ detail }) =>
                  update({
                    customAttributes: draft.customAttributes.filter((_, i) => i !== detail.itemIndex),
                  })
                }
                i18nStrings={{
                  removeButtonAriaLabel: (row) => `Remove custom attribute ${row.name || '(unnamed)'}`,
                }}
                definition={[
                  {
                    label: 'Name',
                    control: (row, i) => (
                      <Input
                        value={row.name}
                        placeholder="costCenter"
                        ariaLabel={`Custom attribute ${i + 1} name`}
                        onChange={({ detail }) => updateRow(i, { name: detail.value })}
                      />
                    ),
                    errorText: (_row, i) => errors[`customAttributes[${i}].name`],
                  },
                  {
                    label: 'SCIM attribute',
                    control: (row, i) => (
                      <Input
                        value={row.scimPath}
                        placeholder="urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter"
                        ariaLabel={`Custom attribute ${i + 1} SCIM attribute`}
                        onChange={({ detail }) => updateRow(i, { scimPath: detail.value })}
                      />
                    ),
                    errorText: (_row, i) => errors[`customAttributes[${i}].scimPath`],
                  },
                  {
                    label: 'Description',
                    control: (row, i) => (
                      <Input
                        value={row.description}
                        ariaLabel={`Custom attribute ${i + 1} description`}
                        onChange={({ detail }) => updateRow(i, { description: detail.value })}
                      />
                    ),
                    errorText: (_row, i) => errors[`customAttributes[${i}].description`],
                  },
                ]}
              />
            </SpaceBetween>
          </Container>
          <Container
            header={
              <Header
                variant="h2"
                description="Use ${variables} such as ${userName}, ${givenName}, ${email}, ${tenantId}, ${inviteLink} or a custom attribute's name."
              >
                Invitation email
              </Header>
            }
          >
            <SpaceBetween size="l">
              <FormField label="Subject" errorText={errors['inviteEmail.subject'] ?? errors.inviteEmail}>
                <Input value={draft.subject} onChange={({ detail }) => update({ subject: detail.value })} />
              </FormField>
              <FormField label="Body" errorText={errors['inviteEmail.body']} stretch>
                <Textarea
                  rows={8}
                  value={draft.body}
                  onChange={({ detail }) => update({ body: detail.value })}
                />
              </FormField>
              <InvitePreview
                api={api}
                subject={draft.subject}
                body={draft.body}
                savedVersion={savedVersion}
              />
            </SpaceBetween>
          </Container>
        </SpaceBetween>
      </Form>
    </form>
  );
}

/** Whether the form shows an error of `path` next to its own field. */
function isShownInline(path: string, draft: Draft): boolean {
  if (
    [
      'autoInviteUsers',
      'customAttributes',
      'inviteEmail',
      'inviteEmail.subject',
      'inviteEmail.body',
    ].includes(path)
  )
    return true;
  const row = /^customAttributes\[(\d+)\]\.(name|scimPath|description)$/.exec(path);
  return row !== null && Number(row[1]) < draft.customAttributes.length;
}
