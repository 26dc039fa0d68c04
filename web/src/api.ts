import type {
  AdminErrorBody,
  AuditList,
  FieldError,
  GroupList,
  HealthView,
  IdpId,
  IssuedTokenView,
  MemberList,
  RequestLogList,
  ResendResult,
  ResolveResult,
  SettingsInput,
  SettingsView,
  TokenList,
  TokenStatus,
  TokenView,
  UserDetailView,
  UserList,
} from '../../lambdas/contract/admin-api';

/** An admin API refusal: its message, and each invalid input by path (`customAttributes[0].name`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The message of anything thrown at the console (ApiError, a network failure, …). */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (${error.status})`;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The field errors of an ApiError as a map path → message (empty for any other error). */
export function fieldErrors(error: unknown): Record<string, string> {
  const map: Record<string, string> = {};
  if (error instanceof ApiError) for (const f of error.fields) map[f.path] ??= f.message;
  return map;
}

export interface ListQuery {
  cursor?: string | null;
  limit?: number;
}

/** The signed-in session's view of the admin API of one tenant. */
export class AdminApi {
  constructor(
    private readonly baseUrl: string,
    readonly tenant: string,
    private readonly authorization: () => Promise<string>,
    private readonly onUnauthorized: () => void = () => undefined,
    private readonly scimBase?: string,
  ) {}

  /**
   * The tenant's Target SCIM URL before a token is issued: from config's `scimBaseUrl`, or (same
   * origin, as `npm start` serves it) this origin; null when the SCIM API lives elsewhere and is not
   * configured (the issued token's own scimBaseUrl then tells it).
   */
  scimBaseUrl(): string | null {
    const tenantPath = `/scim/v2/${encodeURIComponent(this.tenant)}`;
    if (this.scimBase) return `${this.scimBase.replace(/\/+$/, '')}${tenantPath}`;
    if (!this.baseUrl) return `${window.location.origin}${tenantPath}`;
    return null;
  }

  listTokens = () => this.get<TokenList>('/tokens');
  createToken = (idp: IdpId) => this.send<IssuedTokenView>('POST', '/tokens', { idp });
  setTokenStatus = (id: string, status: TokenStatus) =>
    this.send<TokenView>('PATCH', `/tokens/${enc(id)}`, { status });
  renewToken = (id: string) => this.send<IssuedTokenView>('POST', `/tokens/${enc(id)}/renew`);
  removeToken = (id: string) => this.send<unknown>('DELETE', `/tokens/${enc(id)}`);
  health = () => this.get<HealthView>('/health');
  getSettings = () => this.get<SettingsView>('/settings');
  putSettings = (input: SettingsInput) => this.send<SettingsView>('PUT', '/settings', input);
  listUsers = (q: ListQuery & { search?: string }) => this.get<UserList>(`/users${query(q)}`);
  getUser = (id: string) => this.get<UserDetailView>(`/users/${enc(id)}`);
  resolve = (id: string, template: string) =>
    this.send<ResolveResult>('POST', `/users/${enc(id)}/resolve`, { template });
  resendInvite = (id: string) => this.send<ResendResult>('POST', `/users/${enc(id)}/invite`);
  listGroups = (q: ListQuery) => this.get<GroupList>(`/groups${query(q)}`);
  listMembers = (id: string, q: ListQuery) => this.get<MemberList>(`/groups/${enc(id)}/members${query(q)}`);
  listRequests = (q: ListQuery & { status?: string; resource?: string; since?: string; until?: string }) =>
    this.get<RequestLogList>(`/requests${query(q)}`);
  listAudit = (q: ListQuery) => this.get<AuditList>(`/audit${query(q)}`);

  private get<T>(path: string): Promise<T> {
    return this.send<T>('GET', path);
  }

  private async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.baseUrl}/admin/v1/tenants/${enc(this.tenant)}${path}`;
    const headers: Record<string, string> = {
      Authorization: await this.authorization(),
      Accept: 'application/json',
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
    const text = await response.text();
    const json = text ? safeJson(text) : undefined;
    if (!response.ok) {
      if (response.status === 401) this.onUnauthorized();
      const err = (json ?? {}) as Partial<AdminErrorBody>;
      throw new ApiError(
        response.status,
        err.error ?? 'error',
        err.message ?? `${method} ${path} answered ${response.status}`,
        fieldList(err.fields),
      );
    }
    return json as T;
  }
}

/** `[{path, message}]`; an older API answered an object path → message, read the same way. */
function fieldList(fields: unknown): FieldError[] {
  if (Array.isArray(fields)) {
    return fields.filter(
      (f): f is FieldError => typeof f?.path === 'string' && typeof f?.message === 'string',
    );
  }
  if (fields && typeof fields === 'object') {
    return Object.entries(fields).map(([path, message]) => ({ path, message: String(message) }));
  }
  return [];
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

function query(params: object): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params) as [string, unknown][]) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 200) };
  }
}
