"""Equal tensor constants of an exported ONNX graph stored once.

Each adaptor block emits the same DFT tables (lic.adapt.spectral_onnx, ~0.75 MB a block) as Constant
nodes, and torch's exporter keeps every copy. `share_constants` turns tensor Constant nodes into
initializers and keeps one initializer per distinct content (dtype, shape, bytes), renaming the uses.
"""
import hashlib

from onnx import numpy_helper


def share_constants(model):
    """In place; returns the model. Graph outputs keep their producers (a constant output stays a node)."""
    graph = model.graph
    outputs = {o.name for o in graph.output}
    keys = {t.name: _key(t) for t in graph.initializer}      # hashed once each: packs hold ~10 MB of weights
    first, rename, nodes = {}, {}, []
    for name, key in keys.items():
        first.setdefault(key, name)
    for node in graph.node:
        if (node.op_type == "Constant" and node.output[0] not in outputs and len(node.attribute) == 1
                and node.attribute[0].name == "value"):
            t = numpy_helper.from_array(numpy_helper.to_array(node.attribute[0].t), node.output[0])
            key = keys[t.name] = _key(t)
            if first.setdefault(key, t.name) == t.name:
                graph.initializer.append(t)
            else:
                rename[t.name] = first[key]
            continue
        nodes.append(node)
    kept = []
    for t in graph.initializer:
        if first[keys[t.name]] == t.name or t.name in outputs:
            kept.append(t)
        else:
            rename[t.name] = first[keys[t.name]]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    del graph.node[:]
    graph.node.extend(nodes)
    for node in graph.node:
        for i, name in enumerate(node.input):
            node.input[i] = rename.get(name, name)
    return model


def _key(t):
    a = numpy_helper.to_array(t)
    return a.dtype.str, a.shape, hashlib.sha256(a.tobytes()).hexdigest()
