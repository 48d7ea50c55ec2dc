// Types of build-web.mjs for the TypeScript that imports it (the browser test).
export function buildWeb(outdir?: string): Promise<string>;
