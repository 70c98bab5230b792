// Types for chromium.mjs (plain JS so web-test-runner's Node config can import it).
export const CHROMIUM_ARGS: readonly string[];
export function chromiumLaunchOptions(): { executablePath: string; args: string[] };
