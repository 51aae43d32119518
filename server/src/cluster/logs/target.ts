/**
 * Which controllers' logs, and which filter, show one Flux object: its own controller and its source's
 * controller, filtered to the lines about the object or its source.
 */
import { findKind } from '../../engine/kinds';
import { sourceKeyOf } from '../actions';
import type { FluxObject, ObjectKey } from '../types';
import type { LogFilter } from './parse';

export interface ObjectLogTarget {
  controllers: string[];
  filter: LogFilter;
  /** The object and its source, for the channel's header. */
  objects: ObjectKey[];
}

/** The log target for an object (the object itself when it is not in the cache: only its key). */
export function logTargetFor(key: ObjectKey, obj?: FluxObject): ObjectLogTarget {
  const controllers = new Set<string>();
  const own = findKind(key.kind)?.controller;
  if (own) controllers.add(own);
  const objects: ObjectKey[] = [key];
  const src = obj ? sourceKeyOf(obj) : undefined;
  if (src) {
    objects.push(src);
    const c = findKind(src.kind)?.controller;
    if (c) controllers.add(c);
  }
  return { controllers: [...controllers], filter: { anyOf: objects }, objects };
}
