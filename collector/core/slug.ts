// Monitor slugs: readable, URL-safe names derived from the monitor's name.

import { SLUG_PATTERN } from '../../shared/protocol.ts';

/** Derives a slug from a monitor name ("Nightly DB backup" -> "nightly-db-backup"). */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/g, '');
  return slug === '' ? 'monitor' : slug;
}

/** True when `slug` is acceptable as given by a user. */
export function isValidSlug(slug: string): boolean {
  return SLUG_PATTERN.test(slug);
}

/** The n-th alternative for a taken slug: base, base-2, base-3, ... within 64 characters. */
export function slugCandidate(base: string, n: number): string {
  if (n <= 1) return base;
  const suffix = `-${n}`;
  return `${base.slice(0, 64 - suffix.length).replace(/-+$/g, '')}${suffix}`;
}
