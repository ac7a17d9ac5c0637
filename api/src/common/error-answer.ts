/** The JSON error every failed request answers with (README, "API"), with its status and any extra headers. */
export interface ErrorAnswer {
  status: number;
  body: { statusCode: number; message: string };
  headers?: Record<string, string>;
}

export function errorAnswer(status: number, message: string, headers?: Record<string, string>): ErrorAnswer {
  return { status, body: { statusCode: status, message }, ...(headers ? { headers } : {}) };
}
