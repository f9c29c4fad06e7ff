// ESLint 9 flat config: the recommended JavaScript and TypeScript rules.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
  { ignores: ["dist/", "node_modules/", "coverage/"{% for path in cookiecutter.data.get("generated", []) %}, {{ path | json_str }}{% endfor %}] },
  js.configs.recommended,
  tseslint.configs.recommended,
);
