// The portal's one data path: GraphQL operations over fetch with the Django session cookie and
// the CSRF token. Components never call fetch; they use the hooks in ./hooks.ts.
import type { TypedDocumentString } from "../gql/graphql";

export const GRAPHQL_URL = "/graphql";

/** One error of a GraphQL response, with the server's `extensions` flattened in. */
export interface ApiErrorDetail {
  message: string;
  code: string;
  /** camelCase input path of a validation error, e.g. `input.deliveryDay`. */
  field?: string;
  reason?: string;
}

export class ApiError extends Error {
  readonly errors: ApiErrorDetail[];
  readonly status: number;

  constructor(errors: ApiErrorDetail[], status: number) {
    super(errors.map((error) => error.message).join("\n") || `HTTP ${status}`);
    this.name = "ApiError";
    this.errors = errors;
    this.status = status;
  }

  /** The code of the first error (UNAUTHENTICATED, NOT_FOUND, PERMISSION_DENIED, ...). */
  get code(): string {
    return this.errors[0]?.code ?? "UNKNOWN";
  }

  hasCode(code: string): boolean {
    return this.errors.some((error) => error.code === code);
  }

  /** Validation messages by input field, for forms. */
  fieldErrors(): Record<string, string> {
    const byField: Record<string, string> = {};
    for (const error of this.errors) {
      if (error.field) byField[error.field] = error.reason ?? error.message;
    }
    return byField;
  }
}

export function csrfToken(): string {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]');
  if (meta?.content) return meta.content;
  const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
  return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : "";
}

interface RawError {
  message?: string;
  extensions?: { code?: string; field?: string; reason?: string } & Record<string, unknown>;
}

function toDetails(errors: RawError[]): ApiErrorDetail[] {
  return errors.map((error) => ({
    message: error.message ?? "",
    code: error.extensions?.code ?? "UNKNOWN",
    ...(error.extensions?.field ? { field: error.extensions.field } : {}),
    ...(error.extensions?.reason ? { reason: error.extensions.reason } : {}),
  }));
}

export function operationName(document: { toString(): string }): string {
  const match = /\b(?:query|mutation|subscription)\s+(\w+)/.exec(document.toString());
  return match?.[1] ?? "anonymous";
}

type VariablesArgs<TVariables> =
  TVariables extends Record<string, never> ? [variables?: TVariables] : [variables: TVariables];

/** Run one typed operation; resolves with its data or rejects with an ApiError. */
export async function execute<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  ...[variables]: VariablesArgs<TVariables>
): Promise<TResult> {
  let response: Response;
  try {
    response = await fetch(GRAPHQL_URL, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/graphql-response+json, application/json",
        "X-CSRFToken": csrfToken(),
      },
      body: JSON.stringify({
        query: document.toString(),
        operationName: operationName(document),
        variables: variables ?? {},
      }),
    });
  } catch (error) {
    throw new ApiError([{ message: String(error), code: "NETWORK_ERROR" }], 0);
  }
  const isJson = (response.headers.get("Content-Type") ?? "").includes("json");
  if (!isJson) {
    // Django's own pages (an expired CSRF token, a proxy error) are not GraphQL JSON.
    const code =
      response.status === 401
        ? "UNAUTHENTICATED"
        : response.status === 403
          ? "PERMISSION_DENIED"
          : "SERVER_ERROR";
    throw new ApiError([{ message: `HTTP ${response.status}`, code }], response.status);
  }
  const body = (await response.json()) as { data?: TResult | null; errors?: RawError[] };
  if (body.errors?.length) throw new ApiError(toDetails(body.errors), response.status);
  if (body.data == null) {
    throw new ApiError(
      [{ message: `HTTP ${response.status}`, code: "SERVER_ERROR" }],
      response.status,
    );
  }
  return body.data;
}

/** Raw GraphQL over HTTP for GraphiQL: the user's own documents and extra headers (a Bearer
 * token, say); the session and CSRF token ride along as for every portal request. */
export async function graphiqlFetch(
  body: unknown,
  headers: Record<string, string> = {},
): Promise<unknown> {
  const response = await fetch(GRAPHQL_URL, {
    method: "POST",
    credentials: "same-origin",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/graphql-response+json, application/json",
      "X-CSRFToken": csrfToken(),
      ...headers,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 200)}` }] };
  }
}
