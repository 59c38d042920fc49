// The standalone GraphiQL page Django serves at GET /graphql (DEBUG).
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { Explorer } from "./Explorer";

createRoot(document.getElementById("graphiql")!).render(
  <StrictMode>
    <Explorer />
  </StrictMode>,
);
