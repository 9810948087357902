"""Which weights of a skdeep network can be pruned, and how layers are coupled.

The ground floor's shared notion of prunable layers, so that the pruner
(:mod:`skdeep.pruning`) reaches every family's network through its module
without importing the family. Every skdeep module follows two conventions:

* the final layer is an ``nn.Linear`` attribute named ``output``;
* dense hidden layers live in an ``nn.Sequential`` attribute named ``hidden``
  (``Linear -> [BatchNorm1d] -> activation -> [Dropout]`` blocks, see
  :func:`skdeep._layers.dense_stack`) beside that ``output``; convolutional
  networks hold their blocks in an ``nn.Sequential`` named ``conv``
  (``Conv2d -> [BatchNorm2d] -> activation -> [pooling]``) whose last
  channels are flattened into ``hidden`` (or ``output``).

Nothing here imports scikit-learn.
"""

from torch import nn

__all__ = [
    "PRUNABLE_TYPES",
    "prunable_weights",
    "output_weight_names",
    "dense_bodies",
    "conv_bodies",
    "DenseBody",
]

PRUNABLE_TYPES = (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.RNNBase)


def prunable_weights(module):
    """Name -> weight tensor of every prunable matrix of ``module``, in order.

    Weights of ``nn.Linear`` and ``nn.Conv*`` layers (and of the ``Linear``
    layers inside torch-geometric's message-passing layers), the input-to-hidden
    and hidden-to-hidden matrices of recurrent layers (``weight_ih_l*``,
    ``weight_hh_l*``) are prunable; biases and normalisation parameters are
    not (they are few, and removing them saves nothing). Factorised low-rank
    layers hold no ``weight`` parameter and are skipped.
    """
    found = {}
    for prefix, layer in module.named_modules():
        # torch_geometric's own ``Linear`` (inside its message-passing layers) is
        # recognised by name, so this module need not import torch_geometric.
        if not (isinstance(layer, PRUNABLE_TYPES) or type(layer).__name__ == "Linear"):
            continue
        for pname, param in layer.named_parameters(recurse=False):
            if param.ndim > 1 and (pname == "weight" or pname.startswith("weight_")):
                found[f"{prefix}.{pname}" if prefix else pname] = param
    return found


def output_weight_names(module):
    """Names (as in :func:`prunable_weights`) of the output layers' weights.

    Every ``nn.Linear`` registered under the name ``output`` is an output layer;
    a module without one has its last prunable weight as output.
    """
    names = [n for n in prunable_weights(module) if n.split(".")[-2:-1] == ["output"]]
    if not names:
        names = list(prunable_weights(module))[-1:]
    return names


class DenseBody:
    """A ``hidden`` dense stack and the ``output`` layer it feeds.

    Attributes
    ----------
    owner : nn.Module
        The module holding ``hidden`` and ``output``.
    prefix : str
        ``owner``'s qualified name inside the root module ("" for the root).
    blocks : list of list of (int, nn.Module)
        For each hidden ``nn.Linear``: the positions in ``hidden`` and the
        modules of its block (the linear layer first, then batch norm,
        activation, dropout).
    """

    def __init__(self, owner, prefix):
        self.owner = owner
        self.prefix = prefix
        self.blocks = []
        for i, layer in enumerate(owner.hidden):
            if isinstance(layer, nn.Linear):
                self.blocks.append([(i, layer)])
            elif self.blocks:
                self.blocks[-1].append((i, layer))

    def linears(self):
        """The hidden ``nn.Linear`` layers, then the output layer."""
        return [block[0][1] for block in self.blocks] + [self.owner.output]

    def name(self, layer_index):
        """Qualified name of hidden linear ``layer_index``'s weight."""
        position = self.blocks[layer_index][0][0]
        return _join(self.prefix, f"hidden.{position}.weight")


def dense_bodies(module):
    """Every :class:`DenseBody` of ``module`` (modules with ``hidden`` and ``output``)."""
    bodies = []
    for prefix, sub in module.named_modules():
        hidden, output = getattr(sub, "hidden", None), getattr(sub, "output", None)
        if isinstance(hidden, nn.Sequential) and isinstance(output, nn.Linear):
            bodies.append(DenseBody(sub, prefix))
    return bodies


def conv_bodies(module):
    """Modules holding a ``conv`` ``nn.Sequential`` of ``nn.Conv2d`` blocks and a dense body."""
    return [
        (prefix, sub)
        for prefix, sub in module.named_modules()
        if isinstance(getattr(sub, "conv", None), nn.Sequential)
        and any(isinstance(m, nn.Conv2d) for m in sub.conv)
        and isinstance(getattr(sub, "hidden", None), nn.Sequential)
        and isinstance(getattr(sub, "output", None), nn.Linear)
    ]


def _join(prefix, name):
    return f"{prefix}.{name}" if prefix else name
