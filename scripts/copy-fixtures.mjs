// Fixtures mode (UPSTREAM=fixtures) reads the recorded Graph responses at run time, so the build ships them.
import { cpSync } from 'node:fs';

cpSync(new URL('../proxy/fixtures/', import.meta.url), new URL('../proxy/dist/proxy/fixtures/', import.meta.url), { recursive: true });
