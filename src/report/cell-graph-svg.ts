import dagre from '@dagrejs/dagre';
import type { Edge } from '@dagrejs/graphlib';
import type { CellGraph } from '../space/dag.js';
import { escapeHtml } from './html.js';

export interface CellGraphOptions {
  title: string;
  /** Unique within the page: SVG ids (the arrow marker) are prefixed with it. */
  idPrefix: string;
  /** How the cell output is formed: DARTS concatenates every intermediate state, NB201 takes the last node. */
  output: 'concat' | 'last';
}

interface Box {
  label: string;
  kind: 'input' | 'intermediate' | 'output';
  width: number;
  height: number;
  x?: number;
  y?: number;
}

interface Link {
  op?: string;
  width: number;
  height: number;
  labelpos: 'c';
  points?: { x: number; y: number }[];
  x?: number;
  y?: number;
}

const FONT_SIZE = 11;
// An average glyph width of Helvetica-like fonts at 11 px: enough to size boxes without a canvas.
const CHAR_WIDTH = 6.4;

/** One cell of a genotype (a toDag graph) laid out left to right with dagre, as an inline SVG string. */
export function cellGraphSvg(cell: CellGraph, options: CellGraphOptions): string {
  const layout = new dagre.graphlib.Graph<Record<string, unknown>, Box, Link>({ directed: true, multigraph: true });
  layout.setGraph({ rankdir: 'LR', nodesep: 12, ranksep: 34, edgesep: 8, marginx: 6, marginy: 6 });
  const inputs = cell.nodes().filter((id) => cell.node(id)!.role === 'input');
  const intermediates = cell.nodes().filter((id) => cell.node(id)!.role === 'intermediate');
  for (const id of cell.nodes()) {
    const { state, role } = cell.node(id)!;
    // DARTS numbers intermediate nodes from 0 after its two inputs; NB201 numbers every node.
    const label = role === 'input' ? inputLabel(state, inputs.length) : String(inputs.length === 1 ? state : state - inputs.length);
    const isOutput = options.output === 'last' && id === intermediates[intermediates.length - 1];
    layout.setNode(id, box(isOutput ? `${label} (out)` : label, isOutput ? 'output' : role));
  }
  for (const edge of cell.edges()) {
    const op = cell.edge(edge)!.op;
    layout.setEdge(edge.v, edge.w, { op, width: op.length * CHAR_WIDTH + 6, height: FONT_SIZE + 4, labelpos: 'c' }, edge.name);
  }
  if (options.output === 'concat') {
    layout.setNode('output', box('c_{k}', 'output'));
    for (const id of intermediates) layout.setEdge(id, 'output', { width: 0, height: 0, labelpos: 'c' }, 'concat');
  }
  dagre.layout(layout);

  const bounds = boundsOf(layout.nodes().map((id: string) => layout.node(id)!), layout.edges().map((e: Edge) => layout.edge(e)!));
  const titleHeight = 16;
  const width = Math.ceil(bounds.maxX - bounds.minX + 8);
  const height = Math.ceil(bounds.maxY - bounds.minY + 8 + titleHeight);
  const viewBox = `${(bounds.minX - 4).toFixed(1)} ${(bounds.minY - 4 - titleHeight).toFixed(1)} ${width} ${height}`;
  const marker = `${options.idPrefix}-arrow`;
  const edges = layout.edges().map((e: Edge) => edgeSvg(layout.edge(e)!, marker));
  const nodes = layout.nodes().map((id: string) => nodeSvg(id, layout.node(id)!));
  return [
    `<svg class="cell-graph" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="${viewBox}" font-family="Helvetica, Arial, sans-serif" font-size="${FONT_SIZE}">`,
    `<defs><marker id="${marker}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>`,
    `<text class="cell-title" x="${bounds.minX.toFixed(1)}" y="${(bounds.minY - 8).toFixed(1)}" font-weight="bold">${escapeHtml(options.title)}</text>`,
    ...edges,
    ...nodes,
    '</svg>',
  ].join('\n');
}

/**
 * Extent of everything drawn. dagre's own graph size covers nodes and edge labels but not the
 * bends of long edges, which can swing outside it.
 */
function boundsOf(nodes: Box[], edges: Link[]): { minX: number; minY: number; maxX: number; maxY: number } {
  const xs: number[] = [];
  const ys: number[] = [];
  const addBox = (x: number, y: number, width: number, height: number) => {
    xs.push(x - width / 2, x + width / 2);
    ys.push(y - height / 2, y + height / 2);
  };
  for (const node of nodes) addBox(node.x!, node.y!, node.width, node.height);
  for (const edge of edges) {
    for (const point of edge.points ?? []) addBox(point.x, point.y, 0, 0);
    if (edge.op !== undefined) addBox(edge.x!, edge.y!, edge.width, edge.height);
  }
  return { minX: Math.min(...xs), minY: Math.min(...ys), maxX: Math.max(...xs), maxY: Math.max(...ys) };
}

function inputLabel(state: number, inputCount: number): string {
  if (inputCount === 1) return 'in';
  return state === inputCount - 1 ? 'c_{k-1}' : `c_{k-${inputCount - state}}`;
}

function box(label: string, kind: Box['kind']): Box {
  return { label, kind, width: Math.max(26, label.length * CHAR_WIDTH + 12), height: 22 };
}

const NODE_FILL: Record<Box['kind'], string> = { input: '#d9ead3', intermediate: '#dde6f5', output: '#f4e1c6' };

function nodeSvg(id: string, node: Box): string {
  const x = node.x! - node.width / 2;
  const y = node.y! - node.height / 2;
  return (
    `<g class="node" data-state="${escapeHtml(id)}"><rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${node.width.toFixed(1)}" height="${node.height}" rx="5" fill="${NODE_FILL[node.kind]}" stroke="#666"/>` +
    `<text x="${node.x!.toFixed(1)}" y="${(node.y! + 4).toFixed(1)}" text-anchor="middle">${escapeHtml(node.label)}</text></g>`
  );
}

/** Ops coloured by family: convolutions, pooling, identity-like. */
function opColor(op: string): string {
  if (op.includes('conv')) return '#1f5fa8';
  if (op.includes('pool')) return '#b35c00';
  return '#555';
}

function edgeSvg(edge: Link, marker: string): string {
  const points = edge.points ?? [];
  const path = smoothPath(points);
  const dashed = edge.op === undefined ? ' stroke-dasharray="4 3"' : '';
  const color = edge.op === undefined ? '#999' : opColor(edge.op);
  const line = `<path class="edge" d="${path}" fill="none" stroke="${color}" stroke-width="1.3"${dashed} marker-end="url(#${marker})"/>`;
  if (edge.op === undefined) return line;
  const label =
    `<rect x="${(edge.x! - edge.width / 2).toFixed(1)}" y="${(edge.y! - edge.height / 2).toFixed(1)}" width="${edge.width.toFixed(1)}" height="${edge.height}" fill="white" opacity="0.85"/>` +
    `<text class="op" x="${edge.x!.toFixed(1)}" y="${(edge.y! + 4).toFixed(1)}" text-anchor="middle" fill="${color}">${escapeHtml(edge.op)}</text>`;
  return `<g class="edge-group">${line}${label}</g>`;
}

/** Through dagre's bend points with rounded corners: each bend becomes a quadratic curve to the next midpoint. */
function smoothPath(points: { x: number; y: number }[]): string {
  const at = (p: { x: number; y: number }) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`;
  if (points.length === 0) return '';
  const parts = [`M${at(points[0]!)}`];
  for (let i = 1; i < points.length - 1; i++) {
    const next = points[i + 1]!;
    const mid = { x: (points[i]!.x + next.x) / 2, y: (points[i]!.y + next.y) / 2 };
    parts.push(`Q${at(points[i]!)} ${at(i === points.length - 2 ? next : mid)}`);
  }
  if (points.length === 2) parts.push(`L${at(points[1]!)}`);
  return parts.join(' ');
}
