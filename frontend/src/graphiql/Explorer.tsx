// GraphiQL from its npm packages (editor workers bundled by Vite): works without any CDN.
import "graphiql/setup-workers/vite";
import "graphiql/style.css";
import "./explorer.css";

import { GraphiQL, type GraphiQLProps } from "graphiql";

import { graphiqlFetch } from "../api/client";

type Fetcher = GraphiQLProps["fetcher"];

const fetcher: Fetcher = async (params, options) =>
  (await graphiqlFetch(
    params,
    (options?.headers as Record<string, string> | undefined) ?? {},
  )) as Awaited<ReturnType<Fetcher>>;

const DEFAULT_QUERY = `# The ainergy GraphQL API. Logged in to the portal, your session is used;
# otherwise add {"Authorization": "Bearer ain_..."} under Headers.
query Me {
  me {
    email
    role
    tenant {
      name
      kind
    }
  }
}
`;

export function Explorer() {
  return (
    <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} forcedTheme="light">
      <GraphiQL.Logo>ainergy API</GraphiQL.Logo>
    </GraphiQL>
  );
}
