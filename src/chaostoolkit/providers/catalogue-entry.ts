// One function of a Chaos Toolkit extension: how it maps to Faultline, or why it does not. The
// catalogues list every public function of chaostoolkit-kubernetes 0.39, chaostoolkit-toxiproxy
// 0.3 and chaostoolkit-prometheus 0.6 (docs/chaostoolkit.md is checked against them).
import type { PathSegment } from '../../experiment/diagnostic.ts';
import type { MappedActivity } from '../mapped-activity.ts';
import type { ConvertContext, Fields } from '../provider-fields.ts';

export type PythonCall = {
  /** The function's `arguments`. */
  fields: Fields;
  context: ConvertContext;
  /** Where the provider is, for problems about the call as a whole. */
  providerPath: PathSegment[];
};

export type CatalogueEntry = {
  module: string;
  func: string;
  kind: 'action' | 'probe';
  /** A mapped function's parameters (besides secrets and configuration); "!" marks a required one. */
  parameters?: readonly string[];
  map?: (call: PythonCall) => MappedActivity;
  /** What it becomes in Faultline (for the mapping table). */
  mapsTo?: string;
  /** Why it does not map (for the error and the mapping table). */
  why?: string;
};

export function mapsTo(
  module: string,
  func: string,
  kind: 'action' | 'probe',
  parameters: readonly string[],
  description: string,
  map: (call: PythonCall) => MappedActivity,
): CatalogueEntry {
  return { module, func, kind, parameters, mapsTo: description, map };
}

export const helper = 'it is a helper inside the extension, not an activity';

// Several functions of one module that do not map, for one reason.
export function doNotMap(
  module: string,
  kind: 'action' | 'probe',
  why: string,
  funcs: readonly string[],
): CatalogueEntry[] {
  return funcs.map((func) => ({ module, func, kind, why }));
}
