// Types of bundle.mjs, for the server's check of its browser bundle (src/server/web-assets.ts).
import type { BuildOptions } from 'esbuild';

export const ROOT: string;
export function newestSourceMs(...entries: string[]): number;
export function bundleIsStale(target: string, sources: string[]): boolean;
export function buildBundle(target: string, sources: string[], options: BuildOptions): Promise<Record<string, number>>;
