import js from "@eslint/js";
import jsxA11y from "eslint-plugin-jsx-a11y";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules", "static/portal", "src/gql"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  jsxA11y.flatConfigs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "no-restricted-globals": [
        "error",
        { name: "fetch", message: "Use the GraphQL client in src/api (one data path)." },
      ],
    },
  },
  {
    files: ["static/frontend/**/*.js"],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ["src/api/client.ts"],
    rules: { "no-restricted-globals": "off" },
  },
  {
    files: ["scripts/**/*.{js,mjs}", "*.config.{js,ts}", "codegen.ts"],
    languageOptions: { globals: { ...globals.node } },
  },
);
