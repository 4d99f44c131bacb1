// Which processes of a job to send SIGPIPE when the wrapper's reader goes
// away. Unwrapped, only a process that writes into the closed pipe gets it; a
// shell waiting for that writer carries on. A process with a live child is
// waiting, not writing, so the leaves of the job's tree stand in for "the
// writers".

/** One row of the process table. */
export interface ProcessEntry {
  pid: number;
  ppid: number;
}

/** The processes of the tree rooted at `root` (itself included) that have no children; empty if `root` is gone. */
export function findLeafDescendants(root: number, processes: readonly ProcessEntry[]): number[] {
  const children = new Map<number, number[]>();
  for (const p of processes) {
    if (p.pid === p.ppid) continue;
    const list = children.get(p.ppid);
    if (list === undefined) children.set(p.ppid, [p.pid]);
    else list.push(p.pid);
  }
  if (!processes.some((p) => p.pid === root)) return [];
  const leaves: number[] = [];
  const seen = new Set<number>();
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    const kids = children.get(pid) ?? [];
    if (kids.length === 0) leaves.push(pid);
    else stack.push(...kids);
  }
  return leaves.sort((a, b) => a - b);
}
