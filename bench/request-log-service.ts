// Must load before the AWS SDK: silences its NodeVersionSupportWarning on node 20.
import '../local/quiet';
import { startLocalService } from '../local/service';

/**
 * One service of the request-log benchmark (bench/request-log-bench.ts), in a process of its own so
 * that its REQUEST_LOG_SINK (`direct` or `off`, read once per process) is the only difference between
 * the two services measured. Prints `{"baseUrl": …}` once listening; stops (flushing the log) on SIGTERM.
 */
async function main(): Promise<void> {
  const [endpoint, tableName, adminApiKey] = process.argv.slice(2);
  const service = await startLocalService({ dynamoDbEndpoint: endpoint, tableName, adminApiKey, port: 0 });
  process.stdout.write(`${JSON.stringify({ baseUrl: service.baseUrl })}\n`);
  process.once('SIGTERM', () => {
    void service.stop().then(() => process.exit(0));
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
