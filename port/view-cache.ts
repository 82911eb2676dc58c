/** Spec views are immutable: one per spec, made once and shared by every check's session. */
import type { SpecView } from '../engine/checks/types.js';

const views = new Map<string, Promise<SpecView>>();

/** The view made for `key` (a spec kind and path), made by `make` the first time. */
export function sharedView(key: string, make: () => Promise<SpecView>): Promise<SpecView> {
  let view = views.get(key);
  if (!view) views.set(key, (view = make()));
  return view;
}
