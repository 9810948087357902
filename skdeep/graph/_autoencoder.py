"""GraphAutoEncoder: unsupervised node embeddings (GAE / VGAE) as a transformer."""

import numpy as np
import torch
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._docstrings import training_params_doc
from ..base import BaseNeuralEstimator
from ._input import SharedGraphMixin, check_node_ids
from ._link import GRAPH_CONSTRAINTS, load_graph
from ._link_modules import AutoEncoderModule, ReconstructionLoss
from ._modules import GNNModule
from ._negative_sampling import pair_keys

__all__ = ["GraphAutoEncoder"]


class _Identity(torch.nn.Module):
    def forward(self, x, edge_index, edge_weight=None):
        return x


class GraphAutoEncoder(
    SharedGraphMixin, ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseNeuralEstimator
):
    _fixed_dtype = torch.float32  # graph features are float32 (see to_data)
    _parameter_constraints: dict = {
        **BaseNeuralEstimator._parameter_constraints,
        **GRAPH_CONSTRAINTS,
        "variational": ["boolean"],
    }

    def __init__(
        self,
        graph=None,
        conv="gcn",
        hidden_layer_sizes=(32, 16),
        activation="relu",
        *,
        variational=False,
        heads=1,
        feature_key="x",
        default_features="degree",
        solver="adam",
        alpha=0.0,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.01,
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
        self.variational = variational
        self.heads = heads
        self.feature_key = feature_key
        self.default_features = default_features

    # ------------------------------------------------------------ hooks
    def _validate_X(self, X, reset):
        if reset:
            self._graph_data = load_graph(self)
            self.n_nodes_ = int(self._graph_data.num_nodes)
            self.n_node_features_ = int(self._graph_data.x.shape[1])
            self.n_features_in_ = 1
        return check_node_ids(X, self.n_nodes_)

    def _validate_y(self, y):
        return None  # unsupervised: y is ignored

    def _prepare_target(self, y, *, first_pass, incremental, classes=None, sample_weight=None):
        if self.early_stopping:
            raise ValueError(
                "GraphAutoEncoder has no held-out target to early-stop on; use "
                "early_stopping=False (training stops after max_iter epochs, or once "
                "the loss has not improved by tol for n_iter_no_change epochs)."
            )
        self.n_outputs_ = self._hidden_layer_sizes()[-1]
        self.out_activation_ = "identity"

    def _encode_target(self, y):
        return None

    def _build_criterion(self):
        return ReconstructionLoss()

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return n_samples
        return super()._batch_size(n_samples)

    def _build_module(self, X, y):
        data = self._graph_data
        del self._graph_data
        sizes = self._hidden_layer_sizes()
        common = dict(
            conv=self.conv,
            heads=self.heads,
            activation=self.activation,
            dropout=self.dropout,
            batch_norm=self.batch_norm,
        )
        n_in = data.x.shape[1]
        if len(sizes) == 1:
            body, width = _Identity(), n_in
        else:
            # every layer but the last, then the activation: a GNN whose output
            # layer is the last hidden convolution
            width = sizes[-2]
            body = _Activated(GNNModule(n_in, sizes[:-2], width, **common), self.activation)
        heads = [GNNModule(width, (), sizes[-1], **common)]
        if self.variational:
            heads.append(GNNModule(width, (), sizes[-1], **common))
        module = AutoEncoderModule(body, *heads)
        excluded = pair_keys(data.edge_index, data.num_nodes)
        module.set_graph(data.x, data.edge_index, excluded, heads[0])
        return module

    # ------------------------------------------------------------ public API
    def fit(self, X, y=None):
        """Learn node embeddings that reconstruct the edges leaving the nodes ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, 1) or (n_samples,)
            Node ids; the loss covers the edges whose source is one of them,
            against as many corrupted edges ``(u, random v)``.
        y : None
            Ignored.

        Returns
        -------
        self : GraphAutoEncoder
            The fitted transformer.
        """
        self._validate_params()
        return self._fit(X, None)

    def transform(self, X):
        """Embeddings of the nodes ``X`` (the mean :math:`\\mu` when variational).

        Parameters
        ----------
        X : array-like of shape (n_samples, 1) or (n_samples,)
            Node ids.

        Returns
        -------
        Z : ndarray of shape (n_samples, hidden_layer_sizes[-1])
        """
        check_is_fitted(self)
        ids = check_node_ids(X, self.n_nodes_)
        module = self.net_.module_
        module.eval()
        with torch.no_grad():
            mu, _ = module.embed()
        return mu.cpu().numpy()[ids].astype(np.float64)

    @property
    def _n_features_out(self):
        return self.n_outputs_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        tags.requires_fit = True
        return tags


class _Activated(torch.nn.Module):
    def __init__(self, gnn, activation):
        super().__init__()
        from .._layers import make_activation

        self.gnn = gnn
        self.act = make_activation(activation)

    def forward(self, x, edge_index, edge_weight=None):
        return self.act(self.gnn(x, edge_index, edge_weight))


GraphAutoEncoder.__doc__ = f"""Graph auto-encoder: unsupervised node embeddings (Kipf & Welling, 2016).

    A graph-convolution encoder maps the held graph to node embeddings
    :math:`Z = \\mathrm{{GNN}}(X, A)` trained to reconstruct the edges,
    :math:`p(A_{{uv}} = 1) = \\sigma(z_u^\\top z_v)`: a cross-entropy over the
    edges leaving the fitted nodes and as many sampled non-edges (positives and
    negatives weighted equally).  With ``variational=True`` (VGAE) the last
    layer gives :math:`\\mu` and :math:`\\log\\sigma`, training samples
    :math:`z = \\mu + \\sigma\\epsilon` and adds
    :math:`\\tfrac1N\\,\\mathrm{{KL}}(q(Z)\\,\\|\\,\\mathcal N(0, I))`; ``transform``
    returns :math:`\\mu`.  ``X`` is node ids, as for
    :class:`GraphNodeClassifier`, so the embeddings feed any scikit-learn
    estimator in a :class:`~sklearn.pipeline.Pipeline`.

    Parameters
    ----------
    graph : Data, networkx graph or tuple (adjacency, features)
        The graph (see :func:`skdeep.graph.to_data`); shared, not copied, by
        :func:`~sklearn.base.clone`.

    conv : {{'gcn', 'gat', 'sage', 'gin'}}, default='gcn'
        The message-passing layer.

    hidden_layer_sizes : array-like of int, default=(32, 16)
        Width of each convolution; the last is the embedding width.

    activation : str, default='relu'
        Activation between convolutions (the last layer is linear).

    variational : bool, default=False
        Variational graph auto-encoder (VGAE).

    heads : int, default=1
        Attention heads of GAT layers.

    feature_key : str, default='x'
        The node-feature attribute.

    default_features : {{'degree', 'one_hot', 'raise'}}, default='degree'
        Features for a graph without any.  Embeddings meant to reflect *where*
        a node sits (communities) need ``'one_hot'`` on a featureless graph:
        degree features make structurally alike nodes alike wherever they are.
{training_params_doc(
    alpha="0.0",
    batch_size="'auto'",
    learning_rate_init="0.01",
    n_iter_no_change="200",
)}
    ``batch_size='auto'`` means all nodes in one batch (full batch);
    ``early_stopping`` is not available (there is no target to validate on).

    Attributes
    ----------
    n_nodes_ : int
        Number of nodes of the graph.

    n_node_features_ : int
        Width of the node features.

    n_outputs_ : int
        Embedding width (``hidden_layer_sizes[-1]``).

    loss_curve_ : list of float
        Reconstruction loss at each epoch.

    net_ : skdeep._training.TrainingNet
        The fitted skorch net.

    See Also
    --------
    LinkPredictor : The supervised counterpart on labelled node pairs.

    Examples
    --------
    >>> import networkx as nx, numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from skdeep.graph import GraphAutoEncoder
    >>> G = nx.stochastic_block_model([40, 40], [[0.25, 0.01], [0.01, 0.25]], seed=0)
    >>> y = np.repeat([0, 1], 40)
    >>> nodes = np.arange(80)[:, None]
    >>> gae = GraphAutoEncoder(graph=G, default_features="one_hot", random_state=0)
    >>> model = make_pipeline(gae, LogisticRegression()).fit(nodes[::2], y[::2])
    >>> model.score(nodes[1::2], y[1::2]) > 0.9
    True
    >>> gae.get_feature_names_out()[:2]
    array(['graphautoencoder0', 'graphautoencoder1'], dtype=object)
    """
