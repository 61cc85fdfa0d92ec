import '@testing-library/jest-dom/vitest';
import { afterEach } from 'vitest';
import { cleanup, configure } from '@testing-library/react';

// Generous waits: the build machine is small and shared, and a slow render is not a failure.
configure({ asyncUtilTimeout: 15_000 });
afterEach(() => cleanup());
