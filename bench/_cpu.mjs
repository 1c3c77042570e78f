// CPU time per process, read from /proc (Linux): where a webhook's work goes
// under `wrangler dev`. Latency moves with the machine's load; CPU per webhook
// barely does, so it says which process (and so which part of the work) costs.
import { readFileSync, readdirSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

function stat(pid) {
  // Fields after the command name, which may hold spaces: state is [0], ppid [1], utime [11], stime [12].
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { ppid: fields[1], cpu: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
}

function cmdline(pid) {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
}

/** The `--port` of the wrangler process `pid` runs under (itself or an ancestor), if any. */
function wranglerPort(pid) {
  for (let p = pid, depth = 0; p && p !== '0' && p !== '1' && depth < 6; depth++) {
    const args = cmdline(p);
    const at = args.indexOf('--port');
    if (args.some((a) => a.includes('wrangler')) && at >= 0) return args[at + 1];
    p = stat(p).ppid;
  }
  return null;
}

/**
 * CPU seconds so far of every wrangler and workerd process, keyed by pid, each
 * with `role` (the name `roles` gives its `--port`) and `kind`: `wrangler` (its
 * Node process, which also carries the Worker's console output) or `workerd`.
 * @param {Record<string, string>} roles port -> name
 */
export function processCpu(roles) {
  const out = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const args = cmdline(pid).join(' ');
      const kind = args.includes('workerd serve')
        ? 'workerd'
        : args.includes('wrangler')
          ? 'wrangler'
          : null;
      if (kind === null) continue;
      const role = roles[wranglerPort(pid) ?? ''];
      if (role) out.set(pid, { role, kind, cpu: stat(pid).cpu });
    } catch {
      // The process ended meanwhile.
    }
  }
  return out;
}

/** CPU seconds spent between two `processCpu` readings, summed by `role kind`. */
export function cpuSpent(before, after) {
  const spent = {};
  for (const [pid, now] of after) {
    const key = `${now.role} ${now.kind}`;
    spent[key] = (spent[key] ?? 0) + now.cpu - (before.get(pid)?.cpu ?? 0);
  }
  return spent;
}
