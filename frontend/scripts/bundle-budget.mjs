// Bundle budget: the JavaScript a browser downloads for the portal's first route (the entry, the
// overview page and everything they import statically), gzipped, must stay within the budget.
// Charts and GraphiQL are lazy chunks and do not count. Reads Vite's manifest of the last build.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET_BYTES = 300 * 1000; // 300 kB of gzipped JavaScript
const OUT = new URL("../static/portal/", import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(OUT, ".vite/manifest.json"), "utf8"));
const FIRST_ROUTE = ["src/main.tsx", "src/overview/OverviewPage.tsx"];

const seen = new Set();
function collect(key) {
  const chunk = manifest[key];
  if (!chunk) throw new Error(`${key} is not in the Vite manifest`);
  if (seen.has(chunk.file)) return;
  seen.add(chunk.file);
  for (const imported of chunk.imports ?? []) collect(imported);
}
FIRST_ROUTE.forEach(collect);

let total = 0;
const rows = [...seen]
  .filter((file) => file.endsWith(".js"))
  .map((file) => {
    const size = gzipSync(readFileSync(join(OUT, file)), { level: 9 }).length;
    total += size;
    return [file, size];
  })
  .sort((a, b) => b[1] - a[1]);
for (const [file, size] of rows) console.log(`${(size / 1000).toFixed(1).padStart(8)} kB  ${file}`);
console.log(
  `first route: ${(total / 1000).toFixed(1)} kB gzipped JS (budget ${BUDGET_BYTES / 1000} kB)`,
);
if (total > BUDGET_BYTES) {
  console.error("bundle budget exceeded: code-split the new dependency or trim it");
  process.exit(1);
}
