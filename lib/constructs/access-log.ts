import * as apigw from 'aws-cdk-lib/aws-apigateway';

/** Access log line: JSON, one per request; no headers, no bodies, no query strings. */
export function accessLogFormat(): apigw.AccessLogFormat {
  const f = apigw.AccessLogField;
  return apigw.AccessLogFormat.custom(
    JSON.stringify({
      requestId: f.contextRequestId(),
      requestTime: f.contextRequestTime(),
      ip: f.contextIdentitySourceIp(),
      userAgent: f.contextIdentityUserAgent(),
      httpMethod: f.contextHttpMethod(),
      resourcePath: f.contextResourcePath(),
      path: f.contextPath(),
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
