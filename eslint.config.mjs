import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import drizzle from "eslint-plugin-drizzle";
import { defineConfig, globalIgnores } from "eslint/config";

/** An import boundary: files matching `files` may not import `forbidden` (nor reach them by relative paths). */
function layer(files, why, forbidden) {
  const relative = forbidden
    .filter((f) => f.startsWith("@/"))
    .flatMap((f) => [`../${f.slice(2).split("/").at(-2)}/*`, `../../${f.slice(2)}`]);
  return [
    {
      files: [files],
      rules: {
        "no-restricted-imports": [
          "error",
          { patterns: [{ group: [...forbidden, ...relative], message: `Layer boundary: ${why}.` }] },
        ],
      },
    },
  ];
}

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    plugins: { drizzle },
    rules: {
      // A delete or update without a where clause is never what we mean.
      "drizzle/enforce-delete-with-where": ["error", { drizzleObjectName: ["db", "tx"] }],
      "drizzle/enforce-update-with-where": ["error", { drizzleObjectName: ["db", "tx"] }],
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/ban-ts-comment": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  // The layers (docs/ARCHITECTURE.md): each may import only what is below it. A file's most
  // specific layer comes last and wins, so each list repeats what the general one forbids.
  ...layer("{lib,db}/**", "the server's code does not reach into the UI", ["@/app/*", "@/components/*"]),
  ...layer("lib/domain/**", "domain rules are pure: no database, no framework, no other layer", [
    "@/db/client",
    "@/lib/reads/*",
    "@/lib/queries/*",
    "@/lib/services/*",
    "@/lib/actions/*",
    "@/app/*",
    "@/components/*",
    "next",
    "next/*",
    "react",
  ]),
  ...layer("lib/reads/**", "shared reads sit below both queries and services", [
    "@/lib/queries/*",
    "@/lib/services/*",
    "@/lib/actions/*",
    "@/app/*",
    "@/components/*",
  ]),
  ...layer("lib/queries/**", "pages' reads never call a write", [
    "@/lib/services/*",
    "@/lib/actions/*",
    "@/app/*",
    "@/components/*",
  ]),
  ...layer("lib/services/**", "writes read through lib/reads, never through a page's query", [
    "@/lib/queries/*",
    "@/lib/actions/*",
    "@/app/*",
    "@/components/*",
  ]),
  ...layer("components/**", "components get data from pages and act through server actions", [
    "@/db/client",
    "@/lib/reads/*",
    "@/lib/services/*",
  ]),
  globalIgnores([
    ".next/**",
    "node_modules/**",
    ".data/**",
    ".tmp/**",
    "db/migrations/**",
    "next-env.d.ts",
    "test-results/**",
    "playwright-report/**",
  ]),
]);
