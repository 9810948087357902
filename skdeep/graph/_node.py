"""GraphNodeClassifier: node classification with graph neural networks.

``X`` is a column of node ids into the graph the estimator holds, so a
cross-validation split decides which nodes' labels are seen while message
passing always runs over every edge of the graph.
"""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_consistent_length, check_is_fitted, validate_data

from .._docstrings import TRAINING_ATTRIBUTES, training_params_doc
from .._heads import ClassifierHead
from .._training import as_tensor, check_representable
from ..base import ACTIVATION_NAMES, BaseNeuralEstimator
from ._input import DEFAULT_FEATURES, SharedGraphMixin, check_node_ids, to_data
from ._knn import KNNGraph
from ._modules import CONVS, GNNModule, NodeModule
from ._sampler import make_sampler

__all__ = ["GraphNodeClassifier", "PUBLISHED_DEFAULTS"]

#: What ``"auto"`` resolves to, per ``conv``: the published Planetoid settings
#: (Kipf & Welling 2017 for GCN; Velickovic et al. 2018 for GAT; the PyG
#: examples' settings for GraphSAGE and GIN).
PUBLISHED_DEFAULTS = {
    "gcn": dict(
        hidden_layer_sizes=(16,), heads=1, activation="relu", dropout=0.5,
        learning_rate_init=0.01, weight_decay=5e-4, decay_first_layer_only=True,
    ),
    "gat": dict(
        hidden_layer_sizes=(8,), heads=8, activation="elu", dropout=0.6,
        learning_rate_init=0.005, weight_decay=5e-4,
    ),
    "sage": dict(
        hidden_layer_sizes=(64,), heads=1, activation="relu", dropout=0.5,
        learning_rate_init=0.01, weight_decay=5e-4,
    ),
    "gin": dict(
        hidden_layer_sizes=(64,), heads=1, activation="relu", dropout=0.5,
        learning_rate_init=0.01, weight_decay=5e-4,
    ),
}

_AUTO = StrOptions({"auto"})


class _NodeGraphMixin(SharedGraphMixin):
    """Graph handling, node-id input and the GNN module, for node-level estimators."""

    # node classifiers have a ``dtype`` parameter (see ``_initialize``), unlike the
    # other graph estimators, which stay float32
    _fixed_dtype = None

    _graph_constraints: dict = {
        "graph": "no_validation",
        "conv": [StrOptions(set(CONVS))],
        "hidden_layer_sizes": [_AUTO, "array-like", Interval(Integral, 1, None, closed="left")],
        "heads": [_AUTO, Interval(Integral, 1, None, closed="left")],
        "activation": [_AUTO, StrOptions(ACTIVATION_NAMES)],
        "dropout": [_AUTO, Interval(Real, 0, 1, closed="left")],
        "learning_rate_init": [_AUTO, Interval(Real, 0, None, closed="neither")],
        "weight_decay": [_AUTO, Interval(Real, 0, None, closed="left")],
        "batch_size": [_AUTO, Interval(Integral, 1, None, closed="left")],
        "num_neighbors": [None, Interval(Integral, -1, None, closed="left"), list, tuple],
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "feature_key": [str],
        "default_features": [StrOptions(set(DEFAULT_FEATURES))],
    }

    # ------------------------------------------------------------ "auto" values
    def _resolved(self, name):
        value = getattr(self, name)
        if isinstance(value, str) and value == "auto":
            return PUBLISHED_DEFAULTS[self.conv][name]
        return value

    def _hidden_layer_sizes(self):
        sizes = self._resolved("hidden_layer_sizes")
        sizes = list(sizes) if hasattr(sizes, "__iter__") else [sizes]
        if any(int(s) != s or s <= 0 for s in sizes):
            raise ValueError(f"hidden_layer_sizes must be positive integers, got {sizes}.")
        return [int(s) for s in sizes]

    def _optimizer(self):
        cls, kwargs = super()._optimizer()
        kwargs["lr"] = float(self._resolved("learning_rate_init"))
        decay = float(self._resolved("weight_decay"))
        if self.solver == "lbfgs" or not decay:
            return cls, kwargs
        if PUBLISHED_DEFAULTS[self.conv].get("decay_first_layer_only"):
            kwargs["param_groups"] = [("gnn.convs.0.*", {"weight_decay": decay})]
        else:
            kwargs["weight_decay"] = decay
        return cls, kwargs

    def _num_neighbors(self):
        """Fan-out per hop (one entry per layer), or None for full-graph training."""
        fan = self.num_neighbors
        if fan is None:
            return None
        n_layers = len(self._hidden_layer_sizes()) + 1
        fan = [fan] * n_layers if isinstance(fan, Integral) else list(fan)
        if len(fan) != n_layers or not all(isinstance(k, Integral) and k >= -1 for k in fan):
            raise ValueError(
                f"num_neighbors must be an int or {n_layers} ints >= -1 (one per layer of "
                f"the network, -1 = all neighbours); got {self.num_neighbors!r}."
            )
        return [int(k) for k in fan]

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return n_samples if self.num_neighbors is None else min(512, n_samples)
        return super()._batch_size(n_samples)

    # ------------------------------------------------------------ input
    def _check_solver_settings(self):
        if (
            self.solver == "sgd"
            and self.learning_rate == "invscaling"
            and self.learning_rate_init == "auto"
        ):
            raise ValueError(
                "learning_rate='invscaling' scales learning_rate_init, so pass it as a "
                "number (learning_rate_init='auto' resolves per conv for adam)."
            )

    def _graph_data(self):
        """The validated graph given at ``fit`` (re-derived after unpickling)."""
        data = getattr(self, "_data", None)
        if data is None:
            data = to_data(
                self.graph, feature_key=self.feature_key, default_features=self.default_features
            )
            self._data = data
        return data

    def _validate_X(self, X, reset):
        """Fit-time input: node ids, with ``self._data`` set to the training graph."""
        if self.graph is None:
            X = validate_data(self, X, dtype=(np.float64, np.float32), reset=reset)
            if self.dtype is not None:
                check_representable(X, self.dtype)
            self._knn = KNNGraph(X, self.n_neighbors)
            self._data = self._knn.training_data()
            return np.arange(X.shape[0])
        data = self._graph_data()
        if reset:
            self.n_features_in_ = 1
            self.n_nodes_ = data.num_nodes
        return check_node_ids(X, data.num_nodes)

    def _predict_input(self, X):
        """Prediction-time input -> ``(node ids, graph Data)``."""
        if self.graph is None:
            X = validate_data(self, X, dtype=(np.float64, np.float32), reset=False)
            check_representable(X, self.net_.module_dtype())
            data, ids = self._knn.extended_data(X)
            return ids, data
        data = self._graph_data()
        return check_node_ids(X, data.num_nodes), data

    def _build_module(self, X, y):
        data = self._data
        gnn = GNNModule(
            data.x.shape[1],
            self._hidden_layer_sizes(),
            self.n_outputs_,
            conv=self.conv,
            heads=int(self._resolved("heads")) if self.conv == "gat" else 1,
            activation=self._resolved("activation"),
            dropout=float(self._resolved("dropout")),
            batch_norm=self.batch_norm,
        )
        return NodeModule(gnn)

    def _initialize(self, X, y_enc, device, dtype=torch.float32):
        if self.dtype is None:  # X holds node ids: follow the graph's features instead
            dtype = self._data.x.dtype if device.type == "cpu" else torch.float32
        super()._initialize(X, y_enc, device, dtype)

    def _attach(self, data, sampling):
        device = torch.device(self.net_.device)
        sampler = None
        fan = self._num_neighbors() if sampling else None
        if fan is not None:
            weight = getattr(data, "edge_weight", None)
            sampler = make_sampler(data.edge_index, data.num_nodes, fan, weight)
            self.sampler_ = type(sampler).__name__
        self.net_.module_.attach(data, device, sampler)

    def _fit(self, X, y, sample_weight=None, incremental=False, classes=None):
        self._check_solver_settings()
        self._num_neighbors()
        return super()._fit(X, y, sample_weight, incremental, classes)

    def _fit_stochastic(self, X, y, y_enc, sample_weight, rng, incremental):
        self._attach(self._data, sampling=True)
        try:
            super()._fit_stochastic(X, y, y_enc, sample_weight, rng, incremental)
        finally:
            self.net_.module_.detach_graph()

    def _fit_lbfgs(self, X, y_enc, sample_weight):
        self._attach(self._data, sampling=False)
        try:
            super()._fit_lbfgs(X, y_enc, sample_weight)
        finally:
            self.net_.module_.detach_graph()

    def _split_validation(self, X, y, y_enc, sample_weight, rng):
        given = getattr(self, "_validation_input", None)
        if given is None or given[0] is None:
            return super()._split_validation(X, y, y_enc, sample_weight, rng)
        ids_val, y_val = given
        return (X, y, y_enc, sample_weight), (
            ids_val,
            y_val,
            self._encode_target(y_val),
            None,
        )

    def _check_validation_input(self, X_val, y_val):
        if X_val is None and y_val is None:
            return None
        if X_val is None or y_val is None:
            raise ValueError("Pass both X_val and y_val, or neither.")
        if self.graph is None:
            raise ValueError(
                "X_val/y_val name validation nodes of the graph; with graph=None there is "
                "no fixed graph to name them in. Use early_stopping=True with "
                "validation_fraction instead."
            )
        if not self.early_stopping:
            raise ValueError(
                "X_val and y_val are the early-stopping set; set early_stopping=True to "
                "use them."
            )
        ids = check_node_ids(X_val, self._graph_data().num_nodes)
        y_val = self._validate_y(y_val)
        check_consistent_length(ids, y_val)
        return ids, y_val

    def _raw_output(self, X):
        check_is_fitted(self)
        ids, data = self._predict_input(X)
        device = torch.device(self.net_.device)
        module = self.net_.module_
        module.attach(data, device)
        try:
            module.eval()
            with torch.no_grad():
                output = module.full()[as_tensor(ids, device)]
        finally:
            module.detach_graph()
        # graph=None: outputs in X's float dtype, as scikit-learn; node ids: float64
        dtype = data.x.dtype if self.graph is None else torch.float64
        return output.double().cpu().numpy(), np.dtype(str(dtype)[len("torch."):])

    def __getstate__(self):
        state = super().__getstate__()
        if self.graph is not None:
            state.pop("_data", None)  # re-derived from the graph parameter on demand
        return state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        return tags


_NODE_PARAMS = """
    graph : Data, networkx graph, tuple (adjacency, features) or None, default=None
        The graph whose nodes ``X`` names (see :func:`skdeep.graph.to_data`).
        It is held by reference: :func:`sklearn.base.clone` (and therefore
        ``GridSearchCV`` and ``cross_validate``) shares it between clones
        instead of copying it, and it is never modified. With ``graph=None``,
        ``X`` holds feature rows instead and the estimator builds a
        ``n_neighbors``-nearest-neighbour graph over them.

    conv : {'gcn', 'gat', 'sage', 'gin'}, default='gcn'
        The message-passing layer: GCN (Kipf & Welling, 2017), GAT (Velickovic
        et al., 2018), GraphSAGE with mean aggregation (Hamilton et al., 2017)
        or GIN (Xu et al., 2019).

    hidden_layer_sizes : 'auto' or array-like of int, default='auto'
        Widths of the hidden graph layers (per attention head for GAT); the
        output layer is a graph layer too. ``'auto'``: ``(16,)`` for GCN,
        ``(8,)`` for GAT, ``(64,)`` for GraphSAGE and GIN.

    heads : 'auto' or int, default='auto'
        Attention heads of the hidden GAT layers (concatenated; the output layer
        has one head, as for Cora in the GAT paper). ``'auto'``: 8. Ignored for
        other convolutions.

    activation : 'auto' or {'identity', 'logistic', 'tanh', 'relu', \
'leaky_relu', 'elu', 'gelu'}, default='auto'
        Hidden activation; ``'auto'``: ``'elu'`` for GAT, ``'relu'`` otherwise.

    dropout : 'auto' or float, default='auto'
        Dropout on the input of every graph layer (and on GAT's attention
        coefficients). ``'auto'``: 0.6 for GAT, 0.5 otherwise.

    learning_rate_init : 'auto' or float, default='auto'
        Step size. ``'auto'``: 0.005 for GAT, 0.01 otherwise.

    weight_decay : 'auto' or float, default='auto'
        Passed to the torch optimizer as ``weight_decay`` (an L2 term
        ``weight_decay * w`` added to the gradients, as in the published
        GCN/GAT code and PyG's examples; decoupled for ``'adamw'``). For GCN it
        applies to the first layer only (Kipf & Welling's code, PyG's
        ``examples/gcn.py``). ``'auto'``: 5e-4. Not used by ``'lbfgs'``.

    batch_size : 'auto' or int, default='auto'
        Labelled (seed) nodes per optimisation step. ``'auto'``: all of them
        (full-batch, one step per epoch) when ``num_neighbors`` is None, else
        ``min(512, n_labelled)``.

    num_neighbors : None, int or list of int, default=None
        ``None`` trains on the whole graph at every step. Otherwise mini-batch
        training on sampled neighbourhoods (GraphSAGE-style): each step samples,
        for its batch of seed nodes, at most ``num_neighbors[i]`` incoming
        neighbours per node at hop ``i`` (one entry per graph layer; an int
        applies to every layer; ``-1`` keeps all), without replacement.
        Memory per step is bounded by the fan-out, not by the graph. Uses PyG's
        neighbour sampler when ``pyg-lib`` or ``torch-sparse`` is installed and
        skdeep's own vectorised sampler otherwise. Prediction always uses every
        neighbour (exact, one pass over the graph without gradients).

    n_neighbors : int, default=10
        With ``graph=None``: each node's incoming edges come from its
        ``n_neighbors`` nearest training rows (Euclidean; scale the features
        first).

    feature_key : str, default='x'
        Name of the node-feature attribute of the graph (``Data`` attribute or
        networkx node attribute).

    default_features : {'degree', 'one_hot', 'raise'}, default='degree'
        Features for a graph that has none: each node's degree (one column),
        the identity matrix (one learnt embedding per node), or an error.
"""

_TRAINING_PARAMS = training_params_doc(n_iter_no_change="100")
_TRAINING_PARAMS = _TRAINING_PARAMS.replace(
    "    dropout : float, default=0.0\n"
    "        Dropout probability after every hidden activation.\n\n",
    "",
)
_TRAINING_PARAMS = _TRAINING_PARAMS[: _TRAINING_PARAMS.index("    input_noise :")] + (
    _TRAINING_PARAMS[_TRAINING_PARAMS.index("    device :"):]
)
for _name in ("batch_size", "learning_rate_init"):
    _start = _TRAINING_PARAMS.index(f"    {_name} :")
    _end = _TRAINING_PARAMS.index("\n\n", _start) + 2
    _TRAINING_PARAMS = _TRAINING_PARAMS[:_start] + _TRAINING_PARAMS[_end:]
_TRAINING_PARAMS = _TRAINING_PARAMS.replace("default=0.0001\n", "default=0.0\n", 1)
_TRAINING_PARAMS = _TRAINING_PARAMS[: _TRAINING_PARAMS.index("    dtype :")] + """\
    dtype : {'float32', 'float64'} or None, default=None
        The float type the network computes in. ``None``: float32 for a held
        graph (:func:`~skdeep.graph.to_data` gives float32 features); with
        ``graph=None`` the input's float dtype, as in scikit-learn (float32 on
        a GPU). Predicted probabilities are float64.
"""


class GraphNodeClassifier(_NodeGraphMixin, ClassifierHead, BaseNeuralEstimator):
    _parameter_constraints: dict = {
        **BaseNeuralEstimator._parameter_constraints,
        **_NodeGraphMixin._graph_constraints,
    }
    _parameter_constraints.pop("input_noise")

    input_noise = 0.0  # not a parameter: X holds node ids, not features to perturb

    def __init__(
        self,
        graph=None,
        conv="gcn",
        hidden_layer_sizes="auto",
        *,
        heads="auto",
        activation="auto",
        dropout="auto",
        learning_rate_init="auto",
        weight_decay="auto",
        batch_size="auto",
        num_neighbors=None,
        n_neighbors=10,
        feature_key="x",
        default_features="degree",
        solver="adam",
        alpha=0.0,
        learning_rate="constant",
        power_t=0.5,
        max_iter=200,
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
        n_iter_no_change=100,
        max_fun=15000,
        batch_norm=False,
        l1=0.0,
        max_norm=None,
        device="auto",
        callbacks=None,
        dtype=None,
    ):
        self.graph = graph
        self.conv = conv
        self.hidden_layer_sizes = hidden_layer_sizes
        self.heads = heads
        self.activation = activation
        self.dropout = dropout
        self.learning_rate_init = learning_rate_init
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.num_neighbors = num_neighbors
        self.n_neighbors = n_neighbors
        self.feature_key = feature_key
        self.default_features = default_features
        self.solver = solver
        self.alpha = alpha
        self.learning_rate = learning_rate
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.batch_norm = batch_norm
        self.l1 = l1
        self.max_norm = max_norm
        self.device = device
        self.callbacks = callbacks
        self.dtype = dtype

    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None):
        """Train on the labelled nodes ``X`` while message passing sees the whole graph.

        Parameters
        ----------
        X : array-like of shape (n_samples, 1) or (n_samples,)
            Ids of the labelled nodes (with ``graph=None``: feature rows of
            shape ``(n_samples, n_features)``).
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Their labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-node weights of the loss.
        X_val, y_val : array-like, default=None
            Node ids and labels of the early-stopping set (e.g. Planetoid's
            validation nodes), used instead of a random ``validation_fraction``
            of ``X`` when ``early_stopping=True`` (the convention of
            :meth:`sklearn.ensemble.HistGradientBoostingClassifier.fit`).
            Inside ``GridSearchCV`` they are passed unchanged to every fold.

        Returns
        -------
        self : GraphNodeClassifier
            The fitted estimator.
        """
        self._validate_params()
        if self.graph is not None:
            self._data = None  # the graph parameter may have changed since the last fit
        self._validation_input = self._check_validation_input(X_val, y_val)
        try:
            return self._fit(X, y, sample_weight=sample_weight, incremental=False)
        finally:
            del self._validation_input


GraphNodeClassifier.__doc__ = (
    """Node classification with a graph neural network (GCN, GAT, GraphSAGE, GIN).

    ``X`` is a column of node ids into ``graph``. ``fit`` computes the loss on
    the nodes in ``X`` only, while every layer passes messages over the whole
    graph (semi-supervised, transductive: the features and edges of unlabelled
    and test nodes are used, their labels never are). ``predict``,
    ``predict_proba`` and ``score`` take node ids too, so
    ``cross_val_score(clf, node_ids, labels)`` splits nodes, never edges.

    Hyperparameters left at ``'auto'`` resolve in ``fit`` to the published
    settings of the chosen ``conv`` (:data:`skdeep.graph.PUBLISHED_DEFAULTS`):
    GCN 16 hidden units, dropout 0.5, learning rate 0.01, weight decay 5e-4;
    GAT 8 heads x 8 units, ELU, dropout 0.6, learning rate 0.005, weight decay
    5e-4; 200 epochs of full-batch Adam for all.

    Parameters
    ----------
"""
    + _NODE_PARAMS
    + _TRAINING_PARAMS
    + """
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.

    n_nodes_ : int
        Number of nodes of the graph seen during fit (not set with
        ``graph=None``).

    n_features_in_ : int
        1 (the node-id column); with ``graph=None``, the number of features.

    sampler_ : str
        With ``num_neighbors`` set: the neighbour sampler that ran,
        ``'PyGNeighborSampler'`` (pyg-lib or torch-sparse installed) or
        ``'NeighborSampler'`` (skdeep's plain-torch sampler).

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit (``graph=None`` with a DataFrame).
"""
    + TRAINING_ATTRIBUTES
    + """
    See Also
    --------
    skdeep.graph.to_data : The graph formats accepted.
    sklearn.semi_supervised.LabelSpreading : Label propagation over a kNN graph.

    Examples
    --------
    >>> import networkx as nx
    >>> import numpy as np
    >>> from skdeep.graph import GraphNodeClassifier
    >>> G = nx.karate_club_graph()
    >>> clubs = np.array([G.nodes[v]["club"] for v in G.nodes])
    >>> clf = GraphNodeClassifier(G, default_features="one_hot", random_state=0)
    >>> clf = clf.fit([0, 33], clubs[[0, 33]])
    >>> rest = np.arange(1, 33)
    >>> bool(clf.score(rest, clubs[rest]) > 0.9)
    True
"""
)
