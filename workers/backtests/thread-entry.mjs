// The worker thread's entry: plain JavaScript, because Node 20 cannot start a thread on a .ts
// file; it registers the TypeScript loader and then runs thread.ts.
import { register } from 'tsx/esm/api';

register();
await import(new globalThis.URL('./thread.ts', import.meta.url).href);
