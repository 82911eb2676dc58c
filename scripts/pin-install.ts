/**
 * `tsx scripts/pin-install.ts TARBALL DIR`: makes DIR a project that depends on the packed clientele
 * (`npm pack`'s TARBALL), with a package-lock.json that pins every dependency to the version this
 * checkout's own lockfile holds, so `npm ci` (or `npm install TARBALL`) in DIR installs the dependency
 * tree clientele's tests ran against.
 *
 * Why a lockfile at all: without one npm resolves each version range from the registry's metadata,
 * which `npm ci` never fetches, so an install from the cache alone (`--offline`: the package test, the
 * action's simulation) fails. With it npm needs only the tarballs, which `npm ci` cached. The GitHub
 * Action installs this way too, so a job runs the versions the repository tested.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { PROJECT_ROOT } from '../engine/root.js';

type Dependencies = Readonly<Record<string, string>>;

/** One entry of a lockfile's `packages` (lockfileVersion 3): only what is read here is typed. */
interface LockEntry {
  readonly version?: string;
  readonly dependencies?: Dependencies;
  readonly optionalDependencies?: Dependencies;
  readonly peerDependencies?: Dependencies;
  readonly peerDependenciesMeta?: Readonly<Record<string, { readonly optional?: boolean }>>;
  readonly dev?: boolean;
  readonly optional?: boolean;
  readonly devOptional?: boolean;
  readonly [key: string]: unknown;
}

export interface Lockfile {
  readonly name: string;
  readonly version: string;
  readonly lockfileVersion: number;
  readonly packages: Readonly<Record<string, LockEntry>>;
}

interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Dependencies;
  readonly bin?: Readonly<Record<string, string>>;
  readonly engines?: Readonly<Record<string, string>>;
  readonly [key: string]: unknown;
}

/** Where Node would find `name` from the package at `from` ('' is the root): its own node_modules, then each parent's. */
function locate(packages: Lockfile['packages'], from: string, name: string): string | undefined {
  for (let at = from; ;) {
    const key = at ? `${at}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[key]) return key;
    if (!at) return undefined;
    const parent = at.lastIndexOf('/node_modules/');
    at = parent < 0 ? '' : at.slice(0, parent);
  }
}

/**
 * The entries of `lock` that clientele's runtime dependencies reach (dependencies, optional ones, and
 * the peers npm installs), each at the path it has in the checkout: clientele's own dependencies are
 * hoisted there, so the same paths resolve the same way under a project's node_modules. What only the
 * dev dependencies reach is left out; an entry reached only through optional edges stays optional.
 */
export function runtimeEntries(lock: Lockfile): Record<string, LockEntry> {
  const root = lock.packages[''];
  if (!root) throw new Error('the lockfile has no root entry');
  const kept: Record<string, LockEntry> = {};
  const queue: string[] = [];
  const follow = (from: string, dependencies: Dependencies | undefined, optional: boolean) => {
    for (const name of Object.keys(dependencies ?? {})) {
      const key = locate(lock.packages, from, name);
      if (!key) {
        if (optional) continue;
        throw new Error(`${name}, a dependency of ${from || 'clientele'}, is not in the lockfile: run npm install`);
      }
      const before = kept[key];
      if (before && (!before.optional || optional)) continue;
      const { dev: _dev, devOptional: _devOptional, optional: _optional, ...entry } = lock.packages[key]!;
      kept[key] = optional ? { ...entry, optional: true } : entry;
      queue.push(key);
    }
  };
  const edges = (from: string, entry: LockEntry, optional: boolean) => {
    follow(from, entry.dependencies, optional);
    follow(from, entry.optionalDependencies, true);
    const meta = entry.peerDependenciesMeta ?? {};
    follow(from, Object.fromEntries(Object.entries(entry.peerDependencies ?? {}).filter(([name]) => !meta[name]?.optional)), optional);
  };
  edges('', { dependencies: root.dependencies, optionalDependencies: root.optionalDependencies }, false);
  for (let key = queue.shift(); key !== undefined; key = queue.shift()) edges(key, lock.packages[key]!, kept[key]!.optional === true);
  return Object.fromEntries(Object.entries(kept).sort(([a], [b]) => a.localeCompare(b)));
}

/** The lockfile of `project` depending on clientele through `spec` (`file:...tgz`), the tarball's bytes hashed as npm does. */
export function pinnedLock(lock: Lockfile, clientele: Manifest, project: Manifest, spec: string, tarball: Buffer): object {
  const integrity = `sha512-${createHash('sha512').update(tarball).digest('base64')}`;
  return {
    name: project.name,
    version: project.version,
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: project.name, version: project.version, dependencies: { ...project.dependencies, clientele: spec } },
      'node_modules/clientele': {
        version: clientele.version,
        resolved: spec,
        integrity,
        dependencies: clientele.dependencies,
        bin: clientele.bin,
        engines: clientele.engines,
      },
      ...runtimeEntries(lock),
    },
  };
}

/** Writes DIR/package.json (kept if there is one, the dependency added) and DIR/package-lock.json; returns the `file:` spec. */
export function writePinnedProject(tarball: string, dir: string): string {
  const read = <T>(file: string) => JSON.parse(readFileSync(file, 'utf8')) as T;
  const manifestFile = join(dir, 'package.json');
  const spec = `file:${relative(resolve(dir), resolve(tarball)) || basename(tarball)}`;
  const existing = existsSync(manifestFile) ? read<Manifest>(manifestFile) : { name: 'clientele-tool', version: '0.0.0', private: true };
  const project = { ...existing, dependencies: { ...existing.dependencies, clientele: spec } };
  const lock = pinnedLock(
    read<Lockfile>(join(PROJECT_ROOT, 'package-lock.json')),
    read<Manifest>(join(PROJECT_ROOT, 'package.json')),
    project,
    spec,
    readFileSync(tarball),
  );
  writeFileSync(manifestFile, `${JSON.stringify(project, null, 2)}\n`);
  writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  return spec;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!)) {
  const [tarball, dir, ...extra] = process.argv.slice(2);
  if (!tarball || !dir || extra.length || !tarball.endsWith('.tgz') || !existsSync(tarball) || !existsSync(dir)) {
    console.error('usage: tsx scripts/pin-install.ts TARBALL.tgz DIR (both must exist)');
    process.exit(2);
  }
  try {
    console.log(`pin-install: ${join(dir, 'package-lock.json')} pins clientele (${writePinnedProject(tarball, dir)}) and its dependencies`);
  } catch (error) {
    console.error(`pin-install: ${(error as Error).message}`);
    process.exit(2);
  }
}
