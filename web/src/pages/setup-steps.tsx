import Box from '@cloudscape-design/components/box';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import type { IdpInfo } from '../idps';

/** The chosen IdP's own setup steps, with the tenant's Target SCIM URL filled in. */
export function SetupSteps({ idp, scimUrl }: { idp: IdpInfo; scimUrl: string | null }) {
  return (
    <Container
      header={
        <Header variant="h2" description="Generate a token first; then follow these steps in your IdP.">
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
