// ESLint runs in the build (`npm run build`, so in `./gatehouse test` too): warnings fail it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['src/generated/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.{ts,tsx}', 'vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  // The e2e script runs in Node and hands some functions to the page (page.evaluate), so both sets of globals.
  { files: ['e2e/**/*.mjs', 'eslint.config.js'], languageOptions: { globals: { ...globals.node, ...globals.browser } } },
);
