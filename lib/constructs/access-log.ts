import * as apigw from 'aws-cdk-lib/aws-apigateway';

/**
 * Access log line: JSON, one per request; no headers, no bodies, no query strings. The admin API's
 * lines carry no concrete path (`withPath: false`): `/invite/{token}` would put a usable invitation
 * link into the log; its resource path and the admin's tenant claim say what was called.
 */
export function accessLogFormat(options: { withPath: boolean }): apigw.AccessLogFormat {
  const f = apigw.AccessLogField;
  return apigw.AccessLogFormat.custom(
    JSON.stringify({
      requestId: f.contextRequestId(),
      requestTime: f.contextRequestTime(),
      ip: f.contextIdentitySourceIp(),
      userAgent: f.contextIdentityUserAgent(),
      httpMethod: f.contextHttpMethod(),
      resourcePath: f.contextResourcePath(),
      ...(options.withPath
        ? { path: f.contextPath() }
        : { adminTenant: f.contextAuthorizerClaims('custom:tenantId') }),
      status: f.contextStatus(),
      responseLength: f.contextResponseLength(),
      responseLatency: f.contextResponseLatency(),
      integrationLatency: f.contextIntegrationLatency(),
      principalId: f.contextAuthorizerPrincipalId(),
      adminUser: f.contextAuthorizerClaims('sub'),
      // Response type only: free-text error messages may contain quotes and break the JSON line.
      errorType: f.contextErrorResponseType(),
      authorizerError: f.contextAuthorizerError(),
    }),
  );
}
