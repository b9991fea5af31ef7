#!/usr/bin/env python3
# Usage: scripts/module-graph.py [SRC_DIR] [DEPTH]  (DEPTH 1: top-level modules; 2: one level in)
# Reads every `crate::` and `super::` path outside comments and tests (an approximation of
# the real graph: relative paths from a folder's mod.rs to its children are not seen), prints
# the edges and the cycles. `.ci/run` fails when DEPTH 1 or 2 shows a cycle.
"""Module graph of src/: which top-level module (or folder) uses which, and the cycles."""
import os, re, sys, itertools
root = sys.argv[1] if len(sys.argv) > 1 else 'src'
depth = int(sys.argv[2]) if len(sys.argv) > 2 else 1
edges = {}
def modname(path):
    rel = os.path.relpath(path, root)[:-3].split(os.sep)
    if rel[-1] in ('mod', 'lib'): rel = rel[:-1]
    return rel
for dp, dn, fn in os.walk(root):
    if 'bin' in os.path.relpath(dp, root).split(os.sep): continue
    for f in fn:
        if not f.endswith('.rs'): continue
        p = os.path.join(dp, f)
        m = modname(p)
        if not m: continue
        src = open(p).read()
        src = src.split('#[cfg(test)]')[0]
        src = '\n'.join(l for l in src.split('\n') if not l.strip().startswith('//'))
        me = '::'.join(m[:depth])
        # absolute crate paths, incl. grouped use crate::{a, b::c}
        uses = set()
        for g in re.findall(r'crate::\{([^}]*)\}', src):
            for part in g.split(','):
                part = part.strip()
                if part: uses.add(tuple(part.split('::')))
        for x in re.findall(r'crate::((?:\w+::)*\w+)', src):
            uses.add(tuple(x.split('::')))
        # super:: paths, resolved against this module's parent (inline modules, whose
        # `super` is this file's module, are left out)
        src = re.sub(r'(?ms)^(\s*)(pub(\(\w+\))? )?mod \w+ \{.*?^\1\}', '', src)
        parent = m[:-1] if not p.endswith('mod.rs') else m[:-1]
        for x in re.findall(r'(?<![\w:])super::((?:\w+::)*\w+)', src):
            parts = x.split('::')
            base = m[:-1]
            uses.add(tuple(base + parts) if parts[0] not in ('*',) else tuple(base))
        for g in re.findall(r'(?<![\w:])super::\{([^}]*)\}', src):
            for part in g.split(','):
                part = part.strip()
                if part: uses.add(tuple(m[:-1] + part.split('::')))
        for u in uses:
            tgt = '::'.join(u[:depth])
            # a path to an item of a module (not a module) names the module itself
            while len(u) > 1 and not (os.path.exists(os.path.join(root, *u) + '.rs') or os.path.isdir(os.path.join(root, *u))):
                u = u[:-1]
            tgt = '::'.join(u[:depth])
            if tgt and tgt != me and (os.path.exists(os.path.join(root, u[0] + '.rs')) or os.path.isdir(os.path.join(root, u[0]))):
                edges.setdefault(me, set()).add(tgt)
nodes = sorted(set(edges) | {t for v in edges.values() for t in v})
for n in nodes: print(n, '->', ', '.join(sorted(edges.get(n, ()))))
# cycles via Tarjan SCC
index = {}; low = {}; st = []; on = set(); sccs = []; c = [0]
sys.setrecursionlimit(10000)
def sc(v):
    index[v] = low[v] = c[0]; c[0] += 1; st.append(v); on.add(v)
    for w in edges.get(v, ()):
        if w not in index: sc(w); low[v] = min(low[v], low[w])
        elif w in on: low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = st.pop(); on.discard(w); comp.append(w)
            if w == v: break
        if len(comp) > 1: sccs.append(sorted(comp))
for n in nodes:
    if n not in index: sc(n)
print('cycles:', sccs if sccs else 'none')
