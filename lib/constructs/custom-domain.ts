import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import type { ScimDomainConfig } from '../config';

/**
 * The SCIM API under its own host name, so the Target SCIM URL pasted into Okta or Entra
 * (`https://<domain>/scim/v2/<tenant>`) outlives a redeploy: a regional API Gateway domain (TLS 1.2)
 * whose root maps to the SCIM stage; the certificate is the given one, or a DNS-validated ACM
 * certificate created in the given hosted zone, which also gets the alias record.
 */
export class ScimCustomDomain extends Construct {
  readonly domain: apigw.DomainName;

  constructor(scope: Construct, id: string, props: { config: ScimDomainConfig; api: apigw.RestApi }) {
    super(scope, id);
    const { config } = props;
    const zone = config.hostedZone
      ? route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
          hostedZoneId: config.hostedZone.id,
          zoneName: config.hostedZone.name,
        })
      : undefined;
    const certificate = config.certificateArn
      ? acm.Certificate.fromCertificateArn(this, 'Certificate', config.certificateArn)
      : new acm.Certificate(this, 'Certificate', {
          domainName: config.domainName,
          validation: acm.CertificateValidation.fromDns(zone),
        });
    this.domain = new apigw.DomainName(this, 'Domain', {
      domainName: config.domainName,
      certificate,
      endpointType: apigw.EndpointType.REGIONAL,
      securityPolicy: apigw.SecurityPolicy.TLS_1_2,
    });
    // No base path: https://<domain>/scim/v2/<tenant> is the stage's /scim/v2/<tenant>.
    new apigw.BasePathMapping(this, 'Mapping', {
      domainName: this.domain,
      restApi: props.api,
      stage: props.api.deploymentStage,
    });
    if (zone) {
      new route53.ARecord(this, 'Alias', {
        zone,
        recordName: config.domainName,
        target: route53.RecordTarget.fromAlias(new route53Targets.ApiGatewayDomain(this.domain)),
      });
    } else {
      new CfnOutput(Stack.of(this), 'ScimDomainDnsTarget', {
        value: this.domain.domainNameAliasDomainName,
        description: `Point ${config.domainName} here (CNAME, or an alias A record in Route 53)`,
      });
    }
  }
}
