import type { ChangeEvent } from '../../lambdas/domain/change-events';
import { eventSchemaErrors, loadEventSchemas } from '../support/event-schemas';
import type { TestService } from '../support/service';

/** Shared by test/integration/change-events-*.test.ts: reading the local bus through GET /local/events. */

const schemas = loadEventSchemas();
const WAIT_MS = 60_000;
/** After the expected events arrived: how long nothing more may arrive (the "exactly" of the tests). */
const QUIET_MS = 1_200;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** GET /local/events for one tenant (optionally after an eventId), every event checked against its schema. */
export async function publishedEvents(
  service: TestService,
  tenantId: string,
  after?: string,
): Promise<ChangeEvent[]> {
  const query = new URLSearchParams({ tenant: tenantId, ...(after ? { after } : {}) });
  const response = await service.request('GET', `/local/events?${query}`);
  if (response.status !== 200) throw new Error(`GET /local/events: ${response.status} ${response.text}`);
  const events = response.body.events as ChangeEvent[];
  for (const event of events) expect(eventSchemaErrors(schemas, event)).toEqual([]);
  return events;
}

/**
 * Waits (bounded) until the tenant has `count` events after `after`, then a quiet while, and returns
 * them: exactly `count`, or the test fails with what arrived.
 */
export async function waitForEvents(
  service: TestService,
  tenantId: string,
  count: number,
  after?: string,
): Promise<ChangeEvent[]> {
  const deadline = Date.now() + WAIT_MS;
  let events = await publishedEvents(service, tenantId, after);
  while (events.length < count && Date.now() < deadline) {
    await sleep(150);
    events = await publishedEvents(service, tenantId, after);
  }
  await sleep(QUIET_MS);
  events = await publishedEvents(service, tenantId, after);
  expect(events.map(summary)).toHaveLength(count);
  return events;
}

/** The last eventId of a tenant so far (to read only what a step adds). */
export async function lastEventId(service: TestService, tenantId: string): Promise<string | undefined> {
  const events = await publishedEvents(service, tenantId);
  return events.at(-1)?.eventId;
}

/** `type resourceId` lines: readable failures. */
export const summary = (e: ChangeEvent) => `${e.type} ${e.resource.id}`;

export const memberOf = (e: ChangeEvent): string => {
  const member = (e.changes.member?.after ?? e.changes.member?.before) as { value: string } | null;
  if (!member) throw new Error(`not a member event: ${summary(e)}`);
  return member.value;
};

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
