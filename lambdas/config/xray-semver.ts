/**
 * The function bundles' stand-in for `semver` (lib/bundling.ts aliases it here). Its one user in a
 * bundle is the X-Ray SDK's AWS SDK v2 patcher (aws-xray-sdk-core patchers/aws_p), which checks the
 * v2 SDK's version when a v2 client is captured. No function uses SDK v2: the v3 clients are captured
 * with captureAWSv3Client (config/observability.ts), which never calls this. The real package costs
 * about 26 KB of every minified bundle; if anything ever does call it, it fails loudly.
 */
export function gte(): never {
  throw new Error(
    'semver is not bundled: capture AWS SDK v3 clients with captureAwsClient (SDK v2 is not used)',
  );
}
