"""Hierarchical clustering of hidden-state vectors and its dendrogram (chapter 06).

Elman (1990) averaged the hidden layer of his word-prediction network over
every occurrence of each word and clustered the mean vectors hierarchically:
start with every word on its own, and repeatedly join the two closest groups.

* ``distances``: Euclidean distances between the rows of a matrix, computed
  elementwise (differences, squares, one sum per pair, a square root), so that
  the digits are the same on every machine; a tie between two candidate merges
  is then decided the same way everywhere. Each pair is scaled by a power of
  two, so huge and tiny coordinates neither overflow nor underflow.
* ``average_linkage``: agglomerative clustering, the distance between two
  groups being the mean distance between their members. Returns the merges in
  the layout of SciPy's ``linkage`` (one row ``[a, b, height, size]`` per merge;
  leaves are 0..n-1 and the k-th merge makes cluster n + k). O(n^2) memory;
  1,000 points in about a second.
* ``members``, ``is_cluster``, ``leaf_order``: read the tree.
* ``draw_dendrogram``: draw it on a matplotlib ``Axes`` (leaves on the y axis).
"""

import numpy as np

from ._checks import as_float_array, check_alloc

# distances works through the rows in blocks of about this many numbers (the
# differences of one block of rows with every row), so its memory stays O(n^2 + n d)
_BLOCK = 2**20


def distances(points):
    """Euclidean distance between every two rows of ``points`` (n, d): an (n, n) array (chapter 06).

    ``d(i, j) = sqrt(sum_k (p_ik - p_jk)^2)``, computed from elementwise
    operations and one sum along the contiguous last axis (no BLAS), so the
    result does not depend on the machine. Each pair is scaled like a careful
    ``hypot``: its differences are divided by 2^e, the power of two just above
    their largest magnitude, and the root multiplied back. Dividing by a power
    of two is exact, so ordinary values give the same bits as the plain formula,
    while huge and tiny ones (1e200, 1e-200) neither overflow nor underflow.
    A distance beyond the largest float (about 1.8e308) is inf, as in IEEE
    arithmetic; a nonzero difference never gives 0.
    """
    P = as_float_array("points", points)
    if P.ndim != 2 or P.shape[0] < 2 or P.shape[1] < 1:
        raise ValueError(
            f"points must be a matrix (n, d) with at least 2 rows and 1 column, got shape {P.shape}"
        )
    n, d = P.shape
    check_alloc(f"points with {n} rows", n * n)
    out = np.empty((n, n))
    rows = max(1, _BLOCK // (n * d))
    for i in range(0, n, rows):
        out[i : i + rows] = _scaled_distances(P[i : i + rows], P)
    return out


def _scaled_distances(A, P):
    """Distances from each row of A to each row of P, each pair scaled by a power of two."""
    with np.errstate(over="ignore", under="ignore"):
        diff = A[:, None, :] - P[None, :, :]  # inf only where |difference| > 1.8e308
        _, e = np.frexp(np.max(np.abs(diff), axis=-1))  # largest |difference| < 2^e
        scaled = np.ldexp(diff, -e[..., None])  # |scaled| <= 1: exact, no overflow
        return np.ldexp(np.sqrt(np.sum(scaled * scaled, axis=-1)), e)


def average_linkage(points):
    """Agglomerative clustering of the rows of ``points`` with average linkage (chapter 06).

    Every row starts as its own cluster; at each step the two clusters with the
    smallest mean distance between their members are joined. Returns an array
    (n - 1, 4), one row ``[a, b, height, size]`` per merge, in the order of the
    merges: clusters ``a`` < ``b`` (leaves are 0..n-1, merge k makes cluster
    n + k) were joined at mean distance ``height`` into a cluster of ``size``
    leaves.

    Ties: among pairs at the same smallest mean distance, the pair (a, b) with
    the smallest ``a`` is joined, and among those the smallest ``b``. The mean
    distance between clusters a and b is ``dist[np.ix_(A, B)].mean()``, with A
    the leaves of a and B those of b, each in the order of the merges that made
    them (a's first); its bits are what decides a tie.

    The mean distances between the current clusters are kept in an (n, n)
    table, with each cluster's nearest later-numbered cluster, so a merge costs
    a few numpy passes over the clusters plus the mean distances from the new
    cluster to the others (|new| x n numbers summed). O(n^2) memory; the sums
    take O(n^2 log n) time for a balanced tree and up to n^3/6 additions for a
    chain-like one (1,000 points: under a second either way). No recursion:
    a tree n - 1 levels deep is fine.
    """
    dist = distances(points)
    n = len(dist)
    if not np.all(np.isfinite(dist)):
        i, j = np.argwhere(~np.isfinite(dist))[0]
        raise ValueError(
            f"points must lie within the range of float64 of each other: rows {i} and {j} "
            f"are farther apart than the largest float (about 1.8e308)"
        )
    check_alloc(f"points with {n} rows", 2 * n * n)  # dist and the table H
    H, ids, groups = dist.copy(), np.arange(n), [[i] for i in range(n)]
    active = np.ones(n, dtype=bool)
    near_d, near_s = np.empty(n), np.empty(n, dtype=np.int64)
    for rows in np.array_split(np.arange(n), max(1, n * n // _BLOCK)):
        near_d[rows], near_s[rows] = _nearest(H, ids, rows, np.arange(n))
    merges = np.zeros((n - 1, 4))
    for k in range(n - 1):
        s, t = _closest_pair(near_d, near_s, ids, active)
        merges[k] = ids[s], ids[t], near_d[s], len(groups[s]) + len(groups[t])
        groups[s], ids[s], active[t] = groups[s] + groups[t], n + k, False
        _join(dist, H, ids, groups, active, (near_d, near_s), s)
    return merges


def _nearest(H, ids, rows, cols):
    """For each slot in ``rows``: the smallest mean distance to a cluster in ``cols`` with a larger
    number, and that cluster's slot (on a tie the smallest number; -1 if there is none)."""
    later = ids[cols][None, :] > ids[rows][:, None]
    vals = np.where(later, H[np.ix_(rows, cols)], np.inf)
    best = vals.min(axis=1)
    pick = np.where(later & (vals == best[:, None]), ids[cols], np.iinfo(np.int64).max).argmin(
        axis=1
    )
    return best, np.where(later.any(axis=1), cols[pick], -1)


def _closest_pair(near_d, near_s, ids, active):
    """The slots (s, t) of the next merge: smallest distance, then smallest number of each
    cluster."""
    rows = np.flatnonzero(active)
    tied = rows[near_d[rows] == near_d[rows].min()]
    s = tied[np.argmin(ids[tied])]
    return s, near_s[s]


def _join(dist, H, ids, groups, active, near, s):
    """Update the table after the cluster in slot ``s`` (the newest) was made by a merge."""
    near_d, near_s = near
    others = np.flatnonzero(active)
    others = others[others != s]
    H[s, others] = H[others, s] = _mean_distances(dist, groups, others, groups[s])
    near_d[s], near_s[s] = np.inf, -1  # no cluster is newer than s
    pointed = near_s[others]  # rows whose nearest cluster was merged:
    lost = (pointed < 0) | (pointed == s) | ~active[pointed]  # look again along the whole row
    keep = others[~lost]
    closer = keep[H[keep, s] < near_d[keep]]  # strictly: on a tie the older one stays
    near_d[closer], near_s[closer] = H[closer, s], s
    if lost.any():
        near_d[others[lost]], near_s[others[lost]] = _nearest(
            H, ids, others[lost], np.flatnonzero(active)
        )


def _mean_distances(dist, groups, slots, new):
    """Mean distance from each cluster in ``slots`` to the cluster with leaves ``new``: the bits of
    ``dist[np.ix_(groups[u], new)].mean()``, computed for all clusters of one size at once."""
    cols = dist[:, new]
    sizes = np.array([len(groups[u]) for u in slots])
    out = np.empty(len(slots))
    for size in np.unique(sizes):
        pick = np.flatnonzero(sizes == size)
        members = np.array([groups[u] for u in slots[pick]])  # (clusters, size)
        out[pick] = cols[members].mean(axis=(1, 2))  # each block summed as one, as .mean() does
    return out


def _check_merges(merges):
    """A merge table as returned by ``average_linkage``: (n - 1, 4) with n >= 2, where row k joins
    two different clusters numbered below n + k, neither joined before, into one of their total
    size."""
    Z = as_float_array("merges", merges)
    if Z.ndim != 2 or Z.shape[1] != 4 or Z.shape[0] < 1:
        raise ValueError(
            f"merges must be the (n - 1, 4) table of average_linkage, got shape {Z.shape}"
        )
    n = len(Z) + 1
    size, used = [1] * n, set()
    for k, (a, b, _, s) in enumerate(Z):
        kids = {int(x) for x in (a, b) if x == int(x) and 0 <= x < n + k} - used
        if len(kids) != 2 or s != sum(size[c] for c in kids):
            raise ValueError(
                f"merges must be the table of average_linkage: row {k} must join two different "
                f"clusters numbered 0 to {n + k - 1}, not joined before, with the size of "
                f"the result; got {Z[k].tolist()}"
            )
        used |= kids
        size.append(int(s))
    return Z


def _leaves(Z, cluster):
    """The leaves of ``cluster`` in drawing order (first branch of each merge first), without
    recursion."""
    n = len(Z) + 1
    stack, leaves = [int(cluster)], []
    while stack:
        c = stack.pop()
        if c < n:
            leaves.append(c)
        else:
            a, b = (int(x) for x in Z[c - n, :2])
            stack += [b, a]  # a is popped, and drawn, first
    return leaves


def members(merges, cluster):
    """The leaves (sorted) of cluster number ``cluster`` of a merge table (chapter 06)."""
    Z = _check_merges(merges)
    n = len(Z) + 1
    if (
        isinstance(cluster, bool)
        or not isinstance(cluster, (int, np.integer))
        or not 0 <= cluster < 2 * n - 1
    ):
        raise ValueError(f"cluster must be an integer from 0 to {2 * n - 2}, got {cluster!r}")
    return sorted(_leaves(Z, cluster))


def is_cluster(merges, leaves):
    """True if the leaves ``leaves`` (indices) form exactly one branch of the tree (chapter 06).

    A single leaf and the set of all leaves are always clusters. Two groups
    that together make up all the leaves are both clusters exactly when the
    tree's last merge joins one to the other. The only candidate is the first
    cluster on the way up from one of the leaves that is as large as the set.
    """
    Z = _check_merges(merges)
    n = len(Z) + 1
    want = sorted({int(i) for i in leaves})
    if not want or want[0] < 0 or want[-1] >= n:
        raise ValueError(
            f"leaves must be a non-empty set of leaf indices from 0 to {n - 1}, got "
            f"{list(leaves)!r}"
        )
    parent = {int(c): n + k for k, row in enumerate(Z) for c in row[:2]}

    def size(c):
        return 1 if c < n else int(Z[c - n, 3])

    c = want[0]
    while size(c) < len(want):  # the root holds all n leaves
        c = parent[c]
    return size(c) == len(want) and sorted(_leaves(Z, c)) == want


def leaf_order(merges):
    """The leaves in the order a dendrogram draws them, first branch of each merge first (chapter
    06)."""
    Z = _check_merges(merges)
    return _leaves(Z, 2 * len(Z))


def draw_dendrogram(ax, merges, labels, colors=None, lw=1.4):
    """Draw the tree of ``average_linkage`` on the matplotlib Axes ``ax``, leaves on the y axis
    (chapter 06).

    Leaf i is labelled ``labels[i]`` (its tick label coloured ``colors[i]`` if
    given); a merge at height h is a vertical line at x = h joining its two
    branches, as in the paper's figure of the clustered words. Returns the
    leaves in drawing order, top to bottom.
    """
    Z = _check_merges(merges)
    n = len(Z) + 1
    if len(labels) != n:
        raise ValueError(f"labels must name the {n} leaves, got {len(labels)} labels")
    if colors is not None and len(colors) != n:
        raise ValueError(f"colors must give one colour per leaf ({n}), got {len(colors)}")
    order = leaf_order(Z)
    y = {leaf: n - 1 - row for row, leaf in enumerate(order)}  # first leaf at the top
    x = {leaf: 0.0 for leaf in range(n)}
    for k, (a, b, height, _) in enumerate(Z):
        a, b = int(a), int(b)
        for child in (a, b):
            ax.plot([x[child], height], [y[child], y[child]], color="0.25", lw=lw)
        ax.plot([height, height], [y[a], y[b]], color="0.25", lw=lw)
        x[n + k], y[n + k] = height, (y[a] + y[b]) / 2
    ax.set_yticks([y[leaf] for leaf in order], [labels[leaf] for leaf in order])
    if colors is not None:
        for tick, leaf in zip(ax.get_yticklabels(), order, strict=True):
            tick.set_color(colors[leaf])
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(left=0)
    return order
