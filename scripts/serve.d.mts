// Types of scripts/serve.mjs, for the TypeScript tests that import it.
import type { Server } from 'node:http';
export function serve(root: string, options?: { port?: number; isolated?: boolean }): Promise<{ server: Server; url: string }>;
