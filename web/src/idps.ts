import type { IdpId } from '../../lambdas/contract/admin-api';

export interface IdpInfo {
  id: IdpId;
  name: string;
  /** Setup steps; `{url}` and `{token}` stand for the Target SCIM URL and the token field. */
  steps: string[];
}

/** Okta first: the default. The steps name each IdP's own screens and fields. */
export const IDPS: IdpInfo[] = [
  {
    id: 'okta',
    name: 'Okta',
    steps: [
      'In the Okta Admin Console, open Applications > Browse App Catalog and add "SCIM 2.0 Test App (OAuth Bearer Token)".',
      'On the app\'s Provisioning tab choose "Configure API Integration" and tick "Enable API integration".',
      'Paste the Target SCIM URL into "SCIM 2.0 Base Url": {url}',
      'Paste the token into "OAuth Bearer Token".',
      'Click "Test API Credentials", then Save.',
      'Under Provisioning > To App, enable Create Users, Update User Attributes and Deactivate Users; push groups from the Push Groups tab.',
    ],
  },
  {
    id: 'entra',
    name: 'Microsoft Entra ID',
    steps: [
      'In the Microsoft Entra admin center, open Enterprise applications > New application > Create your own application (non-gallery).',
      'Open Provisioning, set Provisioning Mode to Automatic.',
      'Under Admin Credentials paste the Target SCIM URL into "Tenant URL": {url}',
      'Paste the token into "Secret Token".',
      'Click "Test Connection", then Save and turn Provisioning Status On.',
    ],
  },
  {
    id: 'onelogin',
    name: 'OneLogin',
    steps: [
      'In OneLogin Administration, open Applications > Add App and add "SCIM Provisioner with SAML (SCIM v2 Enterprise)".',
      'On the Configuration tab paste the Target SCIM URL into "SCIM Base URL": {url}',
      'Paste the token into "SCIM Bearer Token" and click "Enable" under API Connection.',
      'On the Provisioning tab tick "Enable provisioning" and Save.',
    ],
  },
  {
    id: 'jumpcloud',
    name: 'JumpCloud',
    steps: [
      'In the JumpCloud Admin Portal, open SSO Applications > Add New Application > Custom Application with Identity Management.',
      'On the Identity Management tab choose SCIM 2.0 and paste the Target SCIM URL into "Base URL": {url}',
      'Paste the token into "Token Key" (Bearer token authentication).',
      'Click "Test Connection", then Activate and Save.',
    ],
  },
  {
    id: 'pingone',
    name: 'PingOne',
    steps: [
      'In the PingOne admin console, open Integrations > Provisioning > New Connection > Identity Store > SCIM Outbound.',
      'Paste the Target SCIM URL into "SCIM Base URL": {url}',
      'Choose "OAuth 2 Bearer Token" as the authentication method and paste the token into "Oauth Access Token".',
      'Click "Test Connection", then add a provisioning rule for the users and groups to send.',
    ],
  },
  {
    id: 'generic',
    name: 'Generic SCIM 2.0',
    steps: [
      'Configure your SCIM 2.0 client with the Target SCIM URL as the base URL: {url}',
      'Send the token in every request as "Authorization: Bearer <token>".',
      'Check the connection with GET /ServiceProviderConfig, then provision /Users and /Groups.',
    ],
  },
];

export function idpInfo(id: string | null | undefined): IdpInfo | undefined {
  return IDPS.find((idp) => idp.id === id);
}

/** "Okta" for okta; the raw id for anything the console does not know. */
export function idpName(id: string | null | undefined): string {
  return idpInfo(id)?.name ?? id ?? '—';
}
