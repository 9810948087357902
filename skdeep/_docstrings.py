"""Docstring fragments shared by the network families (MLP, CNN, RNN, survival).

:func:`training_params_doc` returns the numpydoc entries of the shared training
parameters (``solver`` ... ``callbacks``) as the MLPs document them, with the
defaults a family overrides substituted in.
"""

import re

__all__ = ["SHARED_PARAMS", "TRAINING_ATTRIBUTES", "training_params_doc"]


SHARED_PARAMS = """
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of neurons in the ith hidden layer.

    activation : {'identity', 'logistic', 'tanh', 'relu', 'leaky_relu', 'elu', \
'gelu'}, default='relu'
        Activation function of the hidden layers.

    solver : {'adam', 'sgd', 'lbfgs', 'adamw', 'rmsprop', 'adagrad'}, default='adam'
        The optimizer. ``'sgd'`` uses ``momentum`` / ``nesterovs_momentum`` and
        the ``learning_rate`` schedule; ``'adam'`` and ``'adamw'`` use
        ``beta_1``, ``beta_2`` and ``epsilon``; ``'lbfgs'`` is full-batch
        L-BFGS-B driven by scipy, as in scikit-learn (no ``partial_fit``).

    alpha : float, default=0.0001
        Strength of the L2 penalty ``0.5 * alpha * ||W||^2 / n_batch`` on the
        weights (not the biases), as in scikit-learn. With ``solver='adamw'``
        it is applied as decoupled weight decay instead.

    batch_size : int or 'auto', default='auto'
        Mini-batch size; ``'auto'`` means ``min(200, n_samples)``.

    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Step-size schedule for ``solver='sgd'``: constant, divided by
        ``(t + 1) ** power_t`` after each epoch (``t`` = samples seen), or
        divided by 5 whenever the loss stalls for ``n_iter_no_change`` epochs.

    learning_rate_init : float, default=0.001
        Initial step size.

    power_t : float, default=0.5
        Exponent of the ``'invscaling'`` schedule.

    max_iter : int, default=200
        Maximum number of epochs (stochastic solvers) or iterations (lbfgs).

    shuffle : bool, default=True
        Whether to shuffle samples every epoch.

    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialisation, the validation split, the batch order,
        dropout and input noise. Two fits with the same integer seed on the CPU
        give identical predictions.

    tol : float, default=1e-4
        Tolerance of the convergence test (see ``n_iter_no_change``).

    verbose : bool or int, default=False
        ``True`` (or 1) prints scikit-learn's progress lines
        (``Iteration 1, loss = 0.71234567``, and the validation score with
        ``early_stopping``); 2 prints skorch's per-epoch table (``PrintLog``)
        instead.

    warm_start : bool, default=False
        Reuse the previous solution as initialisation when ``fit`` is called
        again.

    momentum : float, default=0.9
        Momentum for ``solver='sgd'``.

    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum with ``solver='sgd'``.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data (stratified for
        classifiers), stop when its score has not improved by ``tol`` for
        ``n_iter_no_change`` epochs and restore the best weights.

    validation_fraction : float, default=0.1
        Fraction held out for early stopping.

    beta_1, beta_2 : float, default=0.9, 0.999
        Exponential decay rates of Adam's moment estimates.

    epsilon : float, default=1e-8
        Numerical stability constant of Adam, AdamW, RMSprop and Adagrad.

    n_iter_no_change : int, default=10
        Number of epochs without an improvement of ``tol`` before stopping.

    max_fun : int, default=15000
        Maximum number of loss evaluations for ``solver='lbfgs'``.

    dropout : float, default=0.0
        Dropout probability after every hidden activation.

    batch_norm : bool, default=False
        Batch-normalise the pre-activations of every hidden layer.

    l1 : float, default=0.0
        Strength of an L1 penalty ``l1 * ||W||_1 / n_batch`` on the weights.

    max_norm : float or None, default=None
        After every step, rescale each unit's incoming weight vector so that its
        L2 norm is at most ``max_norm``.

    input_noise : float, default=0.0
        Standard deviation of Gaussian noise added to the inputs during training
        (never at prediction).

    device : str, default='auto'
        ``'cpu'``, ``'cuda'``, ``'cuda:N'`` or ``'auto'`` (CUDA when available).

    callbacks : list of skorch callbacks or None, default=None
        Extra skorch callbacks (instances or ``(name, callback)`` tuples); they
        are copied at ``fit``, so the objects you pass are never modified.

    dtype : {'float32', 'float64'} or None, default=None
        The float type the network computes and stores its weights in. ``None``
        follows scikit-learn on the CPU: float32 input trains a float32 model,
        float64 input (or integers, DataFrames of mixed types, ...) a float64
        one; on a GPU ``None`` means float32. Set ``'float32'`` for speed
        (float64 training costs about twice as much on a CPU). ``solver='lbfgs'``
        always searches in float64. Predictions are returned in the dtype of the
        ``X`` they are made for.
"""

TRAINING_ATTRIBUTES = """
    loss_ : float
        The final training loss.

    loss_curve_ : list of float
        Training loss at the end of each epoch (stochastic solvers).

    best_loss_ : float or None
        The minimum training loss reached (``None`` with early stopping).

    validation_scores_ : list of float or None
        Validation score at each epoch (early stopping only).

    best_validation_score_ : float or None
        Best validation score (early stopping only).

    n_iter_ : int
        Number of epochs (iterations for lbfgs) run by the last call.

    t_ : int
        Number of training samples seen.

    n_outputs_ : int
        Number of outputs of the network.

    out_activation_ : str
        Name of the output activation.

    net_ : skdeep._training.TrainingNet
        The fitted skorch net; ``net_.module_`` is the torch module.

    history_ : skorch.history.History
        Per-epoch history (``train_loss``, ``valid_loss``, ``valid_score``,
        ``dur``).
"""

def training_params_doc(**defaults):
    """The shared training-parameter entries, ``name=default_repr`` substituted."""
    text = SHARED_PARAMS[SHARED_PARAMS.index("    solver :"):]
    for name, value in defaults.items():
        text = re.sub(
            rf"^(    {name} : .*default=)\S+$",
            lambda m, v=value: m.group(1) + v,
            text,
            flags=re.MULTILINE,
        )
    return text
