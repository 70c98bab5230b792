// An answer as either lane sends it: status, a flat header list and the bytes; a Response for Hono, node's writeHead for the fast lane.

/**
 * Headers are the flat `[name, value, …]` list node's `res.writeHead` takes with the least work;
 * names are lower-case and appear once. The bytes are sent as they are (already encoded).
 */
export interface Answer {
  readonly status: number;
  readonly headers: string[];
  readonly body: Uint8Array<ArrayBuffer> | null;
}

/**
 * The Response for Hono. Its headers are a plain object in list order: @hono/node-server writes
 * such an object as it is, so the Hono lane puts the same header lines on the wire, in the same
 * order, as the fast lane.
 */
export function toResponse(answer: Answer): Response {
  const headers: Record<string, string> = {};
  const list = answer.headers;
  for (let i = 0; i < list.length; i += 2) headers[list[i] as string] = list[i + 1] as string;
  return new Response(answer.body, { status: answer.status, headers });
}

/** What an answer takes from its request: the id it echoes, and the two headers content negotiation reads. */
export interface AnswerRequest {
  readonly requestId: string;
  readonly acceptEncoding: string | undefined;
  readonly ifNoneMatch: string | undefined;
}
