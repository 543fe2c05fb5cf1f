export function buildRenderer(outdir: string, options?: { dev?: boolean }): Promise<void>;
