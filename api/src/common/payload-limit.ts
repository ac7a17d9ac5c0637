import { PayloadTooLargeException } from '@nestjs/common';

/** A size limit of the API: what it bounds, the field a client fixes, and the setting that changes it. */
export interface PayloadLimit {
  /** What is too large, as a sentence starts: "the JSON body", "the sample grid". */
  subject: string;
  /** The `issues[].path` a client shows the error at: `body`, `file`, `decoder`, `grid`. */
  path: string;
  bytes: number;
  /** The environment variable that sets it, or how it is fixed. */
  setting: string;
}

export function formatMb(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 100) / 100} MB`;
}

/** 413 naming the limit that was passed (README.md, "Security"). */
export class PayloadLimitExceededException extends PayloadTooLargeException {
  constructor(readonly limit: PayloadLimit) {
    super({
      statusCode: 413,
      message: `${limit.subject} is larger than this server's limit of ${formatMb(limit.bytes)} (${limit.setting})`,
      issues: [{ path: limit.path, message: `larger than ${formatMb(limit.bytes)}` }],
    });
  }
}
