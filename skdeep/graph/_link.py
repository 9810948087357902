"""LinkPredictor: is there an edge between two nodes of the graph it holds?

``X`` is an ``(m, 2)`` array of node pairs, ``y`` says whether each pair is
linked.  A graph-convolution encoder embeds every node by message passing over
the held graph's edges only; a decoder scores each pair from its two
embeddings (Kipf & Welling's graph auto-encoder when ``decoder="dot"``).
"""

from numbers import Integral, Real

import numpy as np
from scipy.special import expit
import torch
from sklearn.base import ClassifierMixin
from sklearn.metrics import roc_auc_score
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted

from .._docstrings import TRAINING_ATTRIBUTES, training_params_doc
from ..base import BaseNeuralEstimator
from ._input import DEFAULT_FEATURES, SharedGraphMixin, check_node_ids, to_data
from ._link_modules import LinkLoss, LinkModule
from ._modules import CONVS, GNNModule
from ._negative_sampling import pair_keys

__all__ = ["LinkPredictor", "check_node_pairs"]


def check_node_pairs(X, n_nodes):
    """Validate ``X`` as an ``(m, 2)`` array of node ids; returns a new int64 array.

    Examples
    --------
    >>> check_node_pairs([[0, 1], [2, 0]], n_nodes=3)
    array([[0, 1],
           [2, 0]])
    """
    if isinstance(X, torch.Tensor):
        X = X.detach().cpu().numpy()
    arr = np.asarray(X)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(
            f"X must be an array of node pairs of shape (n_pairs, 2); got shape "
            f"{arr.shape}. Each row is (source id, target id); for an edge_index of "
            "shape (2, n) pass edge_index.T."
        )
    return check_node_ids(arr.reshape(-1), n_nodes).reshape(-1, 2)


def load_graph(estimator):
    """The estimator's ``graph`` parameter as a validated ``Data`` (new object)."""
    if estimator.graph is None:
        raise ValueError(
            f"{type(estimator).__name__} needs the graph to pass messages over: "
            "pass graph=<torch_geometric Data, networkx graph or (adjacency, "
            "features)>."
        )
    data = to_data(
        estimator.graph,
        feature_key=estimator.feature_key,
        default_features=estimator.default_features,
    )
    if getattr(data, "edge_weight", None) is not None:
        data.edge_weight = None  # the encoders here ignore edge weights
    return data


GRAPH_CONSTRAINTS = {
    "graph": "no_validation",
    "conv": [StrOptions(set(CONVS))],
    "heads": [Interval(Integral, 1, None, closed="left")],
    "feature_key": [str],
    "default_features": [StrOptions(set(DEFAULT_FEATURES))],
}


class LinkPredictor(SharedGraphMixin, ClassifierMixin, BaseNeuralEstimator):
    _fixed_dtype = torch.float32  # graph features are float32 (see to_data)
    _parameter_constraints: dict = {
        **BaseNeuralEstimator._parameter_constraints,
        **GRAPH_CONSTRAINTS,
        "decoder": [StrOptions({"dot", "mlp"})],
        "negative_sampling": [StrOptions({"auto"}), "boolean"],
        "negative_ratio": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        graph=None,
        conv="gcn",
        hidden_layer_sizes=(32, 16),
        activation="relu",
        *,
        decoder="dot",
        heads=1,
        negative_sampling="auto",
        negative_ratio=1.0,
        feature_key="x",
        default_features="degree",
        solver="adam",
        alpha=0.0,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.01,
        power_t=0.5,
        max_iter=400,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=200,
        max_fun=15000,
        dropout=0.0,
        batch_norm=False,
        l1=0.0,
        max_norm=None,
        input_noise=0.0,
        device="auto",
        callbacks=None,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            dropout=dropout,
            batch_norm=batch_norm,
            l1=l1,
            max_norm=max_norm,
            input_noise=input_noise,
            device=device,
            callbacks=callbacks,
        )
        self.graph = graph
        self.conv = conv
        self.decoder = decoder
        self.heads = heads
        self.negative_sampling = negative_sampling
        self.negative_ratio = negative_ratio
        self.feature_key = feature_key
        self.default_features = default_features

    # ------------------------------------------------------------ input
    def _validate_X(self, X, reset):
        if reset:
            self._graph_data = load_graph(self)
            self.n_nodes_ = int(self._graph_data.num_nodes)
            self.n_node_features_ = int(self._graph_data.x.shape[1])
            self.n_features_in_ = 2
        return check_node_pairs(X, self.n_nodes_)

    def _validate_y(self, y):
        y = check_array(y, ensure_2d=False, dtype=None, input_name="y")
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim != 1:
            raise ValueError(f"y must be 1-D (one 0/1 label per pair); got shape {y.shape}.")
        if y.dtype.kind not in "biuf" or not np.isin(y, (0, 1)).all():
            raise ValueError(
                "y must hold link labels 0 (no edge) and 1 (edge), one per pair; got "
                f"values {np.unique(y)[:5].tolist()}."
            )
        return y.astype(np.int64)

    def _prepare_target(self, y, *, first_pass, incremental, classes=None, sample_weight=None):
        self.classes_ = np.array([0, 1])
        self.n_outputs_ = 1
        self.out_activation_ = "logistic"
        has_neg, has_pos = bool((y == 0).any()), bool((y == 1).any())
        sampling = self.negative_sampling
        if sampling == "auto":
            sampling = not has_neg
        self.negative_sampling_ = bool(sampling)
        if not has_pos:
            raise ValueError("y holds no linked pair (no 1); at least one is needed.")
        if not has_neg and not self.negative_sampling_:
            raise ValueError(
                "y holds only linked pairs (all 1) and negative_sampling=False: pass "
                "unlinked pairs with y=0 or set negative_sampling='auto' or True."
            )

    def _encode_target(self, y):
        return y.astype(np.float32).reshape(-1, 1)

    def _build_criterion(self):
        return LinkLoss()

    def _stratify(self, y):
        return y if (y == 0).any() else None

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return n_samples  # full batch: one encoder pass per step
        return super()._batch_size(n_samples)

    # ------------------------------------------------------------ module
    def _build_module(self, X, y):
        data = self._graph_data
        del self._graph_data
        sizes = self._hidden_layer_sizes()
        encoder = GNNModule(
            data.x.shape[1],
            sizes[:-1],
            sizes[-1],
            conv=self.conv,
            heads=self.heads,
            activation=self.activation,
            dropout=self.dropout,
            batch_norm=self.batch_norm,
        )
        ratio = self.negative_ratio if self.negative_sampling_ else 0.0
        module = LinkModule(encoder, sizes[-1], self.decoder, self.activation, ratio)
        positives = torch.from_numpy(X[y[:, 0] == 1].T.copy())
        excluded = pair_keys(torch.cat([data.edge_index, positives], dim=1), data.num_nodes)
        module.set_graph(data.x, data.edge_index, excluded, encoder)
        return module

    def _split_validation(self, X, y, y_enc, sample_weight, rng):
        train, val = super()._split_validation(X, y, y_enc, sample_weight, rng)
        if (val[1] == 0).any():
            return train, val
        # Positives only: score early stopping against as many sampled non-edges.
        excluded = self.net_.module_.excluded.cpu().numpy()
        neg = _numpy_negatives(self.n_nodes_, len(val[1]), excluded, rng)
        X_val = np.vstack([val[0], neg])
        y_val = np.concatenate([val[1], np.zeros(len(neg), dtype=val[1].dtype)])
        w_val = None if val[3] is None else np.concatenate([val[3], np.ones(len(neg))])
        return train, (X_val, y_val, self._encode_target(y_val), w_val)

    def _score_output(self, output, y, sample_weight):
        return roc_auc_score(y, output.double().numpy()[:, 0], sample_weight=sample_weight)

    def _raw_output(self, X):
        check_is_fitted(self)
        pairs = self._validate_X(X, reset=False)
        module = self.net_.module_
        module.eval()
        with torch.no_grad():
            z = module.encode()
            pairs_t = torch.from_numpy(pairs).to(z.device)
            out = module.decode(z, pairs_t)
        return out.cpu().double().numpy(), np.float64

    # ------------------------------------------------------------ public API
    def fit(self, X, y=None, sample_weight=None):
        """Train the encoder and decoder on labelled node pairs.

        Parameters
        ----------
        X : array-like of shape (n_pairs, 2)
            Node pairs ``(u, v)``, ids into the held graph.
        y : array-like of shape (n_pairs,), default=None
            1 for a linked pair, 0 for an unlinked one.  ``None`` means every
            pair is linked (``negative_sampling='auto'`` then draws the
            unlinked ones).
        sample_weight : array-like of shape (n_pairs,), default=None
            Weights of the given pairs (sampled negatives weigh 1).

        Returns
        -------
        self : LinkPredictor
            The fitted estimator.
        """
        if y is None:
            y = np.ones(np.shape(X)[0] if np.ndim(X) else 0, dtype=np.int64)
        return super().fit(X, y, sample_weight=sample_weight)

    def decision_function(self, X):
        """Logit of a link for each pair (higher: more likely linked).

        Parameters
        ----------
        X : array-like of shape (n_pairs, 2)
            Node pairs.

        Returns
        -------
        scores : ndarray of shape (n_pairs,)
        """
        return self._raw_output(X)[0][:, 0]

    def predict_proba(self, X):
        """Probability of no link and of a link for each pair.

        Parameters
        ----------
        X : array-like of shape (n_pairs, 2)
            Node pairs.

        Returns
        -------
        proba : ndarray of shape (n_pairs, 2)
            Columns in the order of ``classes_ = [0, 1]``.
        """
        p = expit(self.decision_function(X))
        return np.column_stack([1 - p, p])

    def predict(self, X):
        """1 where the link probability exceeds 0.5, else 0.

        Parameters
        ----------
        X : array-like of shape (n_pairs, 2)
            Node pairs.

        Returns
        -------
        y : ndarray of shape (n_pairs,)
        """
        return (self.decision_function(X) > 0).astype(np.int64)

    def score(self, X, y, sample_weight=None):
        """ROC AUC of the link scores (not accuracy: the usual link-prediction
        metric, insensitive to the class balance of the pairs scored).

        Parameters
        ----------
        X : array-like of shape (n_pairs, 2)
            Node pairs.
        y : array-like of shape (n_pairs,)
            True 0/1 labels; both must occur.
        sample_weight : array-like of shape (n_pairs,), default=None
            Sample weights.

        Returns
        -------
        auc : float
        """
        y = self._validate_y(y)
        return roc_auc_score(y, self.decision_function(X), sample_weight=sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags


def _numpy_negatives(n_nodes, n, excluded_keys, rng):
    out = np.empty((0, 2), dtype=np.int64)
    for _ in range(20):
        cand = rng.randint(0, n_nodes, size=(2 * (n - len(out)) + 8, 2))
        keys = cand[:, 0] * n_nodes + cand[:, 1]
        ok = (cand[:, 0] != cand[:, 1]) & ~np.isin(keys, excluded_keys)
        out = np.vstack([out, cand[ok]])[:n]
        if len(out) == n:
            break
    return out


_LINK_PARAMS = """
    graph : Data, networkx graph or tuple (adjacency, features)
        The graph whose edges carry the messages (see
        :func:`skdeep.graph.to_data`).  Build it from the *training* edges
        only: the encoder sees every edge of this graph, and the pairs in ``X``
        are never added to it.  Shared, not copied, by :func:`~sklearn.base.clone`.

    conv : {'gcn', 'gat', 'sage', 'gin'}, default='gcn'
        The message-passing layer of the encoder.

    hidden_layer_sizes : array-like of int, default=(32, 16)
        Output width of each graph convolution; the last is the embedding
        width (the GAE paper's 32-16).

    activation : {'identity', 'logistic', 'tanh', 'relu', 'leaky_relu', 'elu', \\
'gelu'}, default='relu'
        Activation between convolutions (the last one stays linear).

    decoder : {'dot', 'mlp'}, default='dot'
        ``'dot'``: logit :math:`z_u^\\top z_v`; ``'mlp'``: a one-hidden-layer
        perceptron on :math:`z_u \\odot z_v`.  Both are symmetric in ``u, v``.

    heads : int, default=1
        Attention heads of GAT layers.

    negative_sampling : 'auto' or bool, default='auto'
        Draw ``negative_ratio`` unlinked pairs per labelled pair, afresh at
        every step, avoiding the graph's edges and the linked pairs of ``y``.
        ``'auto'``: only when ``y`` holds no 0 (you gave linked pairs only);
        with explicit 0s the model trains on exactly the pairs you gave.

    negative_ratio : float, default=1.0
        Sampled unlinked pairs per labelled pair.

    feature_key : str, default='x'
        The node-feature attribute of a ``Data`` or networkx graph.

    default_features : {'degree', 'one_hot', 'raise'}, default='degree'
        Features for a graph that has none (see :func:`skdeep.graph.to_data`).
"""

LinkPredictor.__doc__ = f"""Link prediction with a graph auto-encoder (GAE-style).

    A stack of graph convolutions embeds every node from the held graph,
    :math:`Z = \\mathrm{{GNN}}(X, A)`; a pair ``(u, v)`` is linked with
    probability :math:`\\sigma(z_u^\\top z_v)` (``decoder='dot'``, Kipf &
    Welling, 2016) or :math:`\\sigma(\\mathrm{{MLP}}(z_u \\odot z_v))`.  ``X``
    is an ``(n_pairs, 2)`` array of node ids, ``y`` 0/1.  Training is
    full-batch by default (``batch_size='auto'``): one encoder pass and one step
    per epoch, as in the GAE paper.  ``score`` is the ROC AUC.

    Parameters
    ----------{_LINK_PARAMS}
{training_params_doc(
    alpha="0.0",
    batch_size="'auto'",
    learning_rate_init="0.01",
    max_iter="400",
    n_iter_no_change="200",
)}
    ``batch_size='auto'`` means all pairs in one batch (full batch).

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        ``[0, 1]``.

    negative_sampling_ : bool
        Whether negatives were sampled during the fit.

    n_nodes_ : int
        Number of nodes of the graph.

    n_node_features_ : int
        Width of the node features.

    n_features_in_ : int
        2 (the two node ids of a pair).
{TRAINING_ATTRIBUTES}
    See Also
    --------
    GraphAutoEncoder : Unsupervised node embeddings from the same model.

    Examples
    --------
    Four communities, no node features (``'one_hot'``: one learnt vector per
    node); 20% of the edges are held out of the graph and scored against as
    many non-edges:

    >>> import networkx as nx, numpy as np
    >>> from skdeep.graph import LinkPredictor
    >>> G = nx.stochastic_block_model([20] * 4, np.where(np.eye(4), 0.4, 0.01), seed=0)
    >>> edges = np.array(G.edges())
    >>> rng = np.random.RandomState(0)
    >>> test = rng.rand(len(edges)) < 0.2
    >>> G_train = nx.Graph(); G_train.add_nodes_from(G); G_train.add_edges_from(edges[~test])
    >>> model = LinkPredictor(graph=G_train, default_features="one_hot", max_iter=100,
    ...                       random_state=0).fit(edges[~test])  # linked pairs only
    >>> non_edges = np.array([(u, v) for u, v in rng.randint(0, 80, (400, 2))
    ...                       if u != v and not G.has_edge(u, v)])[:test.sum()]
    >>> pairs = np.vstack([edges[test], non_edges])
    >>> y = np.r_[np.ones(test.sum()), np.zeros(len(non_edges))]
    >>> model.score(pairs, y) > 0.8
    True
    """
