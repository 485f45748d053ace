import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// One line of the layer order in docs/architecture.md: a directory (`src/engine/`) or a single
// file (`src/clock.ts`). Rank 0 is the top; a file may import its own layer and the ones below.
export type Layer = { path: string; rank: number; isFile: boolean };

const heading = '## Layers';

// Reads the fenced block under `## Layers`: every line that does not start with a space names a
// layer by its first word; indented lines describe the layer above them and are not read.
export function readLayers(root: string, document = 'docs/architecture.md'): Layer[] {
  const lines = readFileSync(join(root, document), 'utf8').split('\n');
  const at = lines.indexOf(heading);
  if (at < 0)
    throw new Error(`${document}: no "${heading}" heading; the layer order is read from the block under it`);
  const open = lines.findIndex((line, index) => index > at && line.startsWith('```'));
  const close = lines.findIndex((line, index) => index > open && line.startsWith('```'));
  if (open < 0 || close < 0) throw new Error(`${document}: no fenced block under "${heading}"`);
  const layers: Layer[] = [];
  for (let index = open + 1; index < close; index += 1) {
    const line = lines[index] ?? '';
    if (line.trim() === '' || /^\s/.test(line)) continue;
    const path = line.split(/\s+/)[0] ?? '';
    const where = `${document}:${index + 1}`;
    if (!/^(cli|src)\/([\w-]+\/)*([\w-]+\.ts)?$/.test(path)) {
      throw new Error(`${where}: expected a layer (cli/..., src/.../ or src/....ts), found "${path}"`);
    }
    if (!existsSync(join(root, path))) throw new Error(`${where}: ${path} does not exist`);
    if (layers.some((layer) => layer.path === path)) throw new Error(`${where}: ${path} is listed twice`);
    layers.push({ path, rank: layers.length, isFile: path.endsWith('.ts') });
  }
  return layers;
}

// The layer a file belongs to: the file itself when it is listed, else the innermost listed
// directory that holds it; undefined when it is in no layer.
export function layerOf(file: string, layers: readonly Layer[]): Layer | undefined {
  const exact = layers.find((layer) => layer.isFile && layer.path === file);
  if (exact) return exact;
  return layers
    .filter((layer) => !layer.isFile && file.startsWith(layer.path))
    .sort((a, b) => b.path.length - a.path.length)[0];
}

// How a layer is named in messages: `engine` for src/engine/, `runtime.ts` for src/runtime.ts.
export function layerName(layer: Layer): string {
  const parts = layer.path.replace(/\/$/, '').split('/');
  return parts.length === 1 ? (parts[0] ?? layer.path) : parts.slice(1).join('/');
}
