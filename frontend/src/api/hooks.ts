import {
  useMutation,
  useQuery,
  useQueryClient,
  type UseQueryOptions,
  type UseQueryResult,
} from "@tanstack/react-query";

import type { TypedDocumentString } from "../gql/graphql";
import type { ApiError } from "./client";
import { execute, operationName } from "./client";

type QueryOptions<TResult> = Omit<
  UseQueryOptions<TResult, ApiError, TResult>,
  "queryKey" | "queryFn"
>;

/** A typed GraphQL query, cached by operation name and variables. */
export function useGql<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  options: QueryOptions<TResult> = {},
): UseQueryResult<TResult, ApiError> {
  return useQuery<TResult, ApiError, TResult>({
    queryKey: [operationName(document), variables],
    queryFn: () =>
      (execute as (d: typeof document, v: TVariables) => Promise<TResult>)(document, variables),
    ...options,
  });
}

/** A typed GraphQL mutation; every cached query is refetched after it succeeds. */
export function useGqlMutation<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
) {
  const client = useQueryClient();
  return useMutation<TResult, ApiError, TVariables>({
    mutationFn: (variables) =>
      (execute as (d: typeof document, v: TVariables) => Promise<TResult>)(document, variables),
    onSuccess: () => client.invalidateQueries(),
  });
}
