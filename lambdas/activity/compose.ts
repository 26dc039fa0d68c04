import { ActivityService } from '../domain/activity';
import { DynamoRequestLogRepository } from '../store/request-log-repository';
import { DynamoTokenRepository } from '../store/token-repository';

/** The activity function's wiring: the request log and the tokens, read only. */
export function activityService(): ActivityService {
  return new ActivityService(new DynamoRequestLogRepository(), new DynamoTokenRepository());
}
