"""
Karate club: two labelled members, a graph network labels the rest
===================================================================

Zachary's karate club split into two clubs. Give
:class:`skdeep.graph.GraphNodeClassifier` the friendship graph and the clubs of
only the instructor (node 0) and the administrator (node 33); it labels the
other 32 members from the graph alone (the nodes have no features, so each gets
a one-hot identity vector). ``X`` is a column of node ids, so a
cross-validation over node ids works as for any estimator: every fold trains on
some members' labels while message passing still uses every friendship.
"""

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
from sklearn.model_selection import StratifiedKFold, cross_val_score

from skdeep.graph import GraphNodeClassifier

G = nx.karate_club_graph()
clubs = np.array([G.nodes[v]["club"] for v in G.nodes])  # "Mr. Hi" / "Officer"
labelled = np.array([0, 33])
rest = np.setdiff1d(np.arange(34), labelled)

clf = GraphNodeClassifier(G, default_features="one_hot", random_state=0)
clf.fit(labelled, clubs[labelled])
pred = clf.predict(rest)
print(f"accuracy on the 32 unlabelled members: {clf.score(rest, clubs[rest]):.3f}")
print("misclassified members:", rest[pred != clubs[rest]].tolist())

# %%
# Two-fold cross-validation over node ids (17 labelled members per fold).
cv = StratifiedKFold(2, shuffle=True, random_state=0)
scores = cross_val_score(clf, np.arange(34).reshape(-1, 1), clubs, cv=cv)
print("2-fold CV accuracy:", np.round(scores, 3))

# %%
# The graph coloured by the predicted club; the two labelled members are
# drawn larger, mistakes get a red ring.
proba = clf.predict_proba(np.arange(34))[:, list(clf.classes_).index("Officer")]
wrong = np.zeros(34, dtype=bool)
wrong[rest] = pred != clubs[rest]
pos = nx.spring_layout(G, seed=0)
fig, ax = plt.subplots(figsize=(6, 5))
nx.draw_networkx_edges(G, pos, ax=ax, alpha=0.3)
nodes = nx.draw_networkx_nodes(
    G, pos, ax=ax, node_color=proba, cmap="coolwarm", vmin=0, vmax=1,
    node_size=[400 if v in labelled else 150 for v in G.nodes],
    edgecolors=["red" if w else "black" for w in wrong],
)
fig.colorbar(nodes, ax=ax, label="P(Officer)")
ax.set_title("GCN from two labelled members")
ax.set_axis_off()
fig.tight_layout()
fig.savefig("graph_karate.png", dpi=100)
print("figure saved to graph_karate.png")
