"""What /proc says of a process's threads, for the randomized trials."""
import os


def task_facts(pid):
    """[(tid, state, tracerpid)] for every thread, or None if pid is gone."""
    out = []
    try:
        tids = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return None
    for tid in tids:
        try:
            with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                stat = f.read()
            with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
                status = f.read()
        except OSError:
            continue
        state = stat[stat.rindex(")") + 2]
        tracer = int(status.split("TracerPid:")[1].split()[0])
        out.append((int(tid), state, tracer))
    return out or None
