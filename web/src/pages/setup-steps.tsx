import Box from '@cloudscape-design/components/box';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import type { IdpInfo } from '../idps';

/** The chosen IdP's own setup steps, with the tenant's Target SCIM URL filled in. */
export function SetupSteps({
  idp,
  scimUrl,
  hasToken,
}: {
  idp: IdpInfo;
  scimUrl: string | null;
  /** The tenant already has a token: the steps need no "generate first". */
  hasToken: boolean;
}) {
  const description = hasToken
    ? 'Follow these steps in your IdP with a token from the Token Status table (Renew shows a new secret).'
    : 'Generate a token first; then follow these steps in your IdP.';
  return (
    <Container
      header={
        <Header variant="h2" description={description}>
          {`Set up ${idp.name}`}
        </Header>
      }
    >
      <ol data-testid="setup-steps">
        {idp.steps.map((step) => {
          const [before, after] = step.split('{url}');
          return (
            <li key={step}>
              <Box variant="p">
                {before}
                {after !== undefined && (
                  <>
                    {scimUrl ? (
                      <Box variant="code">{scimUrl}</Box>
                    ) : (
                      <Box variant="span">the Target SCIM URL shown when you generate a token</Box>
                    )}
                    {after}
                  </>
                )}
              </Box>
            </li>
          );
        })}
      </ol>
    </Container>
  );
}
