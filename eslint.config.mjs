// Lint rules: typescript-eslint's recommended set, with unused variables allowed only when prefixed with "_".
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  // .stryker-tmp: npm run mutation's sandbox copies of the project while it runs.
  { ignores: ["node_modules/**", "bin/**", ".stryker-tmp/**", "reports/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "off",
    },
  },
);
