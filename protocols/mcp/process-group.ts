/**
 * A stdio MCP server runs as `sh -c <command>` in a process group of its own (spawned `detached`), so
 * closing it ends the shell, the server and whatever the server started, and nothing is left behind.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** The groups still running, killed outright if this process exits without closing its transports. */
const live = new Set<number>();
let hooked = false;

export function track(pgid: number): void {
  live.add(pgid);
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const group of live) signalGroup(group, 'SIGKILL');
  });
}

function untrack(pgid: number): void {
  live.delete(pgid);
}

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether any process of the group still runs. A member that already exited but was orphaned stays a
 * zombie where PID 1 does not reap (containers, VMs), and `kill(-pgid, 0)` still finds it: on Linux the
 * group counts as gone once only zombies are left.
 */
export function groupAlive(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  if (process.platform !== 'linux') return true;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // it ended while we looked
    }
    // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so read from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Waits until the group is gone or `ms` passed; true when it is gone. */
async function groupGone(pgid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (groupAlive(pgid)) {
    if (Date.now() >= until) return false;
    await sleep(40);
  }
  return true;
}

/** SIGTERM to the whole group, SIGKILL after `graceMs` if any of it still runs; bounded in time. */
export async function killGroup(pgid: number, graceMs = 2000): Promise<void> {
  try {
    if (!groupAlive(pgid)) return;
    signalGroup(pgid, 'SIGTERM');
    if (await groupGone(pgid, graceMs)) return;
    signalGroup(pgid, 'SIGKILL');
    await groupGone(pgid, 1000);
  } finally {
    untrack(pgid);
  }
}
