// Every error the API answers with has one of these codes; clients switch on the code, people read the message.
export const ErrorCode = {
  validation: 'BUZZ_ERR_VALIDATION',
  invalidCursor: 'BUZZ_ERR_INVALID_CURSOR',
  unauthorized: 'BUZZ_ERR_UNAUTHORIZED',
  invalidSignature: 'BUZZ_ERR_INVALID_SIGNATURE',
  forbidden: 'BUZZ_ERR_FORBIDDEN',
  notFound: 'BUZZ_ERR_NOT_FOUND',
  requestTimeout: 'BUZZ_ERR_REQUEST_TIMEOUT',
  payloadTooLarge: 'BUZZ_ERR_PAYLOAD_TOO_LARGE',
  unsupportedMediaType: 'BUZZ_ERR_UNSUPPORTED_MEDIA_TYPE',
  rateLimited: 'BUZZ_ERR_RATE_LIMITED',
  notReady: 'BUZZ_ERR_NOT_READY',
  busy: 'BUZZ_ERR_BUSY',
  unavailable: 'BUZZ_ERR_UNAVAILABLE',
  invalidConfig: 'BUZZ_ERR_INVALID_CONFIG',
  internal: 'BUZZ_ERR_INTERNAL',
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

const STATUS_OF: Record<ErrorCodeValue, number> = {
  BUZZ_ERR_VALIDATION: 400,
  BUZZ_ERR_INVALID_CURSOR: 400,
  BUZZ_ERR_UNAUTHORIZED: 401,
  BUZZ_ERR_INVALID_SIGNATURE: 401,
  BUZZ_ERR_FORBIDDEN: 403,
  BUZZ_ERR_NOT_FOUND: 404,
  BUZZ_ERR_REQUEST_TIMEOUT: 408,
  BUZZ_ERR_PAYLOAD_TOO_LARGE: 413,
  BUZZ_ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  BUZZ_ERR_RATE_LIMITED: 429,
  BUZZ_ERR_NOT_READY: 503,
  BUZZ_ERR_BUSY: 503,
  BUZZ_ERR_UNAVAILABLE: 503,
  BUZZ_ERR_INVALID_CONFIG: 422,
  BUZZ_ERR_INTERNAL: 500,
};

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCodeValue,
    message: string,
  ) {
    super(message);
    this.statusCode = STATUS_OF[code];
  }
}

export interface ErrorBody {
  error: { code: ErrorCodeValue; message: string };
}

export function errorBody(code: ErrorCodeValue, message: string): ErrorBody {
  return { error: { code, message } };
}
