/**
 * The one error type of the SCIM protocol (RFC 7644 §3.12).
 * Every 4xx/5xx a SCIM route answers is built from a ScimError and rendered by `toScimErrorBody`.
 */
export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive'
  // RFC 9865 §2.3 (cursor paging).
  | 'invalidCursor'
  | 'expiredCursor';

/** RFC 7644 §3.12, Table 9: which status each scimType goes with. */
const STATUS_OF_SCIM_TYPE: Record<ScimType, number[]> = {
  invalidFilter: [400],
  tooMany: [400],
  uniqueness: [409],
  mutability: [400],
  invalidSyntax: [400],
  invalidPath: [400],
  noTarget: [400],
  invalidValue: [400],
  invalidVers: [400],
  sensitive: [403],
  invalidCursor: [400],
  expiredCursor: [400],
};

export class ScimError extends Error {
  readonly status: number;
  readonly scimType?: ScimType;
  /** Extra response headers (e.g. Retry-After on 429, Allow on 405). */
  readonly headers?: Record<string, string>;

  constructor(status: number, detail: string, scimType?: ScimType, headers?: Record<string, string>) {
    super(detail);
    this.name = 'ScimError';
    if (scimType && !STATUS_OF_SCIM_TYPE[scimType].includes(status)) {
      throw new Error(`scimType ${scimType} does not go with status ${status} (RFC 7644 §3.12)`);
    }
    this.status = status;
    this.scimType = scimType;
    this.headers = headers;
  }

  get detail(): string {
    return this.message;
  }

  static badRequest(scimType: ScimType, detail: string): ScimError {
    return new ScimError(400, detail, scimType);
  }
  static notFound(detail: string): ScimError {
    return new ScimError(404, detail);
  }
  static conflict(detail: string): ScimError {
    return new ScimError(409, detail, 'uniqueness');
  }
  static preconditionFailed(detail: string): ScimError {
    return new ScimError(412, detail);
  }
}

export interface ScimErrorBody {
  schemas: [typeof SCIM_ERROR_SCHEMA];
  status: string;
  scimType?: ScimType;
  detail: string;
}

/** RFC 7644 §3.12: `status` is a string in the body. */
export function toScimErrorBody(error: ScimError): ScimErrorBody {
  const body: ScimErrorBody = {
    schemas: [SCIM_ERROR_SCHEMA],
    status: String(error.status),
    detail: error.detail,
  };
  if (error.scimType) body.scimType = error.scimType;
  return body;
}
