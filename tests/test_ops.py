"""The worker operations the layer-interaction tests are built on: a module found in either of two
places, objects the grader makes and fills (a model for SGD), objects passed as arguments, and the
layers of a student's model bound by what they hold."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from autograder.sandbox import Bad, Limits, Sandbox, Script, server
from tests.catalogue import REFERENCE

MLP0 = "models.mlp|mytorch.models.mlp.MLP0"
SGD = "mytorch.optim.sgd.SGD"


def _run(root, *scripts):
    sandbox = Sandbox(server.shared(), root, Limits(case_timeout=30.0))
    try:
        return sandbox.run(list(scripts))
    finally:
        sandbox.close()


def _submission(tmp_path, beside: str | None = None):
    shutil.copytree(REFERENCE, tmp_path / "mytorch", ignore=shutil.ignore_patterns("__pycache__"))
    if beside is not None:
        (tmp_path / "models").mkdir()
        (tmp_path / "models" / "mlp.py").write_text(beside)
    return tmp_path


def _mlp_script():
    s = Script()
    mlp = s.new(MLP0)
    linear, = s.members(mlp, "layers", 1, having="W", label="count")
    s.set(linear, "W", np.ones((3, 2)))
    s.call(mlp, "forward", np.array([[1.0, -2.0]]), label="out")
    s.get(linear, "A", label="A")
    return s


def test_the_mlp_is_found_inside_mytorch_when_there_is_no_models_folder(tmp_path):
    (result,) = _run(_submission(tmp_path), _mlp_script())
    assert result.error is None, result.error
    assert int(result.values["count"]) == 1
    np.testing.assert_array_equal(result.values["out"], np.zeros((1, 3)))  # (1 - 2) * 3 rows, then ReLU
    np.testing.assert_array_equal(result.values["A"], [[1.0, -2.0]])


def test_models_beside_mytorch_comes_first(tmp_path):
    beside = ("from mytorch.nn.linear import Linear\n\n\nclass MLP0:\n    def __init__(self, debug=False):\n"
              "        self.layers = [Linear(2, 3)]\n\n    def forward(self, A0):\n"
              "        return self.layers[0].forward(A0) + 7\n")
    (result,) = _run(_submission(tmp_path, beside), _mlp_script())
    assert result.error is None, result.error
    np.testing.assert_array_equal(result.values["out"], np.full((1, 3), 6.0))


def test_a_model_with_fewer_layers_stops_the_case_after_saying_how_many(tmp_path):
    s = Script()
    mlp = s.new(MLP0)
    s.members(mlp, "layers", 2, having="W", label="count")
    s.call(mlp, "forward", np.ones((1, 2)), label="out")
    (result,) = _run(_submission(tmp_path), s)
    assert int(result.values["count"]) == 1
    assert result.error is not None and result.error.op == 1 and "holds 1" in result.error.msg


def test_neither_place_names_both_files(tmp_path):
    from autograder.diagnose import import_failed

    root = _submission(tmp_path)
    shutil.rmtree(root / "mytorch" / "models")
    (result,) = _run(root, _mlp_script())
    assert result.error is not None and result.error.module == "models.mlp|mytorch.models.mlp"
    message, hint = import_failed(result.error)
    assert message == "found neither models/mlp.py nor mytorch/models/mlp.py in your submission"
    assert "models/mlp.py is the course's layout" in hint


def test_the_grader_builds_a_model_for_sgd_and_reads_the_layers_back(tmp_path):
    s = Script()
    model, layer = s.plain("model"), s.plain("layer")
    for name, value in {"W": np.ones((2, 3)), "b": np.zeros((2, 1)), "dLdW": np.full((2, 3), 2.0),
                        "dLdb": np.ones((2, 1))}.items():
        s.set(layer, name, value)
    s.set(model, "layers", [layer])
    sgd = s.new(SGD, model, 0.5, 0)
    s.call(sgd, "step", label="returned")
    s.get(layer, "W", label="W")
    s.get(layer, "b", label="b")
    (result,) = _run(_submission(tmp_path), s)
    assert result.error is None, result.error
    np.testing.assert_array_equal(result.values["W"], np.zeros((2, 3)))
    np.testing.assert_array_equal(result.values["b"], np.full((2, 1), -0.5))
    assert "SGD(model, 0.5, 0)" in s.describe()


def test_naming_a_scripts_inputs_leaves_its_operations_as_they_were():
    """Scripts are shared by the tests of an input (and, in local mode, by every grading of the recorded
    inputs): describing one for a failure message must not change what a later run sends."""
    from types import SimpleNamespace

    case = SimpleNamespace(W=np.ones((2, 2)), g=np.zeros(3))
    s = Script(case=case)
    model, layer = s.plain("model"), s.plain("layer")
    s.set(model, "layers", [layer])
    sgd = s.new(SGD, model, case.W, 0)
    s.call(sgd, "step", case.g, label="out")
    before = repr(s.ops)
    assert s.inputs() == ["W", "g"]
    assert repr(s.ops) == before


@pytest.mark.parametrize("f, used", [("[ReLU()]", "self.f[0]"), ("ReLU()", "self.f")], ids=["list", "one object"])
def test_the_grader_gives_a_models_layers_stand_ins_and_reads_what_they_were_given(tmp_path, f, used):
    """Linear layers (found by their W) map A @ P forward and G @ Q backward and keep what they were given;
    activations (the rest of `layers`, or `f`: a list, or one object, helper-94: there the real ReLU ran and a
    correct MLP0 lost its forward and backward tests) multiply by s forward and t backward: no layer math of the
    submission's runs. The counts of Linear layers and activations come back."""
    beside = ("from mytorch.nn.linear import Linear\nfrom mytorch.nn.activation import ReLU\n\n\n"
              "class MLP0:\n    def __init__(self, debug=False):\n"
              f"        self.layers, self.f = [Linear(2, 3)], {f}\n\n"
              f"    def forward(self, A0):\n        return {used}.forward(self.layers[0].forward(A0))\n\n"
              f"    def backward(self, dLdA):\n        return self.layers[0].backward({used}.backward(dLdA))\n")
    P, Q = np.arange(6.0).reshape(2, 3), -np.arange(6.0).reshape(3, 2)
    A0, dLdA = np.array([[1.0, -2.0]]), np.array([[1.0, 0.0, -1.0]])
    s = Script()
    mlp = s.new(MLP0)
    linear, = s.members(mlp, "layers", 1, having="W", label="count")
    s.probe(mlp, [(P, Q)], [(2.0, -3.0)], label="probed")
    s.call(mlp, "forward", A0, label="out")
    s.get(linear, "probe_A", label="A")
    s.call(mlp, "backward", dLdA, label="back")
    s.get(linear, "probe_dLdZ", label="dLdZ")
    s.call(mlp, "backward", np.ones((2, 3)), label="wrong", soft=True)  # a gradient of another batch
    (result,) = _run(_submission(tmp_path, beside), s)
    assert result.error is None, result.error
    np.testing.assert_array_equal(result.values["probed"], [1, 1, 0, 0, 0, 0, 0, 0])  # (its activation in f, not in layers)
    np.testing.assert_array_equal(result.values["out"], A0 @ P * 2)
    np.testing.assert_array_equal(result.values["A"], A0)
    np.testing.assert_array_equal(result.values["dLdZ"], dLdA * -3)
    np.testing.assert_array_equal(result.values["back"], dLdA * -3 @ Q)
    (soft,) = result.soft
    assert soft.type == "ValueError" and "backward was given shape (2, 3)" in soft.msg


def test_one_activation_object_at_two_places_gets_each_places_stand_in_in_call_order(tmp_path):
    """A single ReLU() appended after both Linears: its first forward call is activation 1's, its second
    activation 2's, and backward goes the other way, so the model is judged as with two objects; the
    repeat is counted apart (the constructor's mistake)."""
    beside = ("from mytorch.nn.linear import Linear\nfrom mytorch.nn.activation import ReLU\n\n\n"
              "class MLP1:\n    def __init__(self, debug=False):\n        relu = ReLU()\n"
              "        self.layers = [Linear(2, 3), relu, Linear(3, 2), relu]\n\n"
              "    def forward(self, A):\n        for layer in self.layers:\n            A = layer.forward(A)\n"
              "        return A\n\n"
              "    def backward(self, G):\n        for layer in self.layers[::-1]:\n            G = layer.backward(G)\n"
              "        return G\n")
    P1, Q1 = np.arange(6.0).reshape(2, 3), -np.arange(6.0).reshape(3, 2)
    P2, Q2 = np.ones((3, 2)), np.ones((2, 3)) * 0.5
    A0, dLdA = np.array([[1.0, -2.0]]), np.array([[1.0, -1.0]])
    s = Script()
    mlp = s.new(MLP0.replace("MLP0", "MLP1"))
    s.probe(mlp, [(P1, Q1), (P2, Q2)], [(2.0, -3.0), (5.0, 7.0)], label="probed")
    s.call(mlp, "forward", A0, label="out")
    s.call(mlp, "backward", dLdA, label="back")
    (result,) = _run(_submission(tmp_path, beside), s)
    assert result.error is None, result.error
    np.testing.assert_array_equal(result.values["probed"], [2, 2, 1, 0, 0, 0, 0, 2])
    np.testing.assert_array_equal(result.values["out"], (A0 @ P1 * 2) @ P2 * 5)
    np.testing.assert_array_equal(result.values["back"], ((dLdA * 7) @ Q2 * -3) @ Q1)


def test_an_activation_that_is_a_class_not_an_object_is_counted_apart(tmp_path):
    """`ReLU` appended without its parentheses: the class itself in the layers (helper-91), counted as the first
    activation that is a class (the last count), besides one object repeated and one not a ReLU."""
    beside = ("from mytorch.nn.linear import Linear\nfrom mytorch.nn.activation import ReLU\n\n\n"
              "class MLP1:\n    def __init__(self, debug=False):\n"
              "        self.layers = [Linear(2, 3), ReLU(), Linear(3, 2), ReLU]\n")
    s = Script()
    mlp = s.new(MLP0.replace("MLP0", "MLP1"))
    s.probe(mlp, [(np.ones((2, 3)), np.ones((3, 2))), (np.ones((3, 2)), np.ones((2, 3)))], [(1.0, 1.0), (1.0, 1.0)],
            label="probed", activation="mytorch.nn.activation.ReLU")
    (result,) = _run(_submission(tmp_path, beside), s)
    assert result.error is None, result.error
    np.testing.assert_array_equal(result.values["probed"], [2, 2, 0, 2, 2, 0, 0, 2])


def test_a_soft_construction_that_raises_leaves_no_object_and_the_case_goes_on(tmp_path):
    """`new(..., soft=True)` (the MLP tests' layout Linears, built before the model's module runs): a constructor that
    raises is a soft error of that op, a read of the object it did not make fails as a read, and later ops run."""
    beside = ("class MLP0:\n    def __init__(self, fail=False):\n        if fail:\n            raise ValueError('no')\n"
              "        self.W = 1.0\n")
    s = Script()
    s.get(s.new(MLP0, True, soft=True), "W", label="broken")
    s.get(s.new(MLP0, False, soft=True), "W", label="made")
    s.get(s.new(MLP0), "W", label="plain")
    (result,) = _run(_submission(tmp_path, beside), s)
    assert result.error is None, result.error
    (soft,) = result.soft
    assert soft.op == 0 and soft.type == "ValueError"
    assert isinstance(result.values["broken"], Bad)
    np.testing.assert_array_equal(result.values["made"], 1.0)
    np.testing.assert_array_equal(result.values["plain"], 1.0)


def test_layers_shared_between_models_are_counted_apart(tmp_path):
    """Layers built once, in the class body, are every model's: the second model's probe finds objects that got an
    earlier model's stand-ins (the last count), and does not call them activations of another class (helper-103:
    "activation 1 is not a ReLU from mytorch/nn/activation.py" sent a student looking at the wrong line)."""
    beside = ("from mytorch.nn.linear import Linear\nfrom mytorch.nn.activation import ReLU\n\n\n"
              "class MLP0:\n    layers = [Linear(2, 3), ReLU()]\n\n    def __init__(self, debug=False):\n"
              "        self.debug = debug\n")
    counts = _probe_counts(tmp_path, beside, {"first": (), "second": ()})
    np.testing.assert_array_equal(counts["first"], [1, 1, 0, 0, 0, 0, 0, 1])
    np.testing.assert_array_equal(counts["second"], [1, 1, 0, 0, 0, 2, 0, 1])


def _probe_counts(tmp_path, beside: str, models: dict) -> dict:
    """What the probe counts (`_probe_layers`) in each MLP0 of `models` (label -> its constructor's arguments), made
    in turn in one worker from the models/mlp.py `beside`, with one Linear's and one activation's stand-ins."""
    s = Script()
    maps = [(np.ones((2, 3)), np.ones((3, 2)))]
    for label, args in models.items():
        s.probe(s.new(MLP0, *args), maps, [(2.0, 3.0)], label=label, activation="mytorch.nn.activation.ReLU")
    (result,) = _run(_submission(tmp_path, beside), s)
    assert result.error is None, result.error
    return {label: result.values[label] for label in models}


def test_the_probe_finds_an_activation_put_before_its_linear(tmp_path):
    """helper-165: [ReLU(), Linear(2, 3)] passed __init__ (the counts were right) and forward and backward were told
    their right wiring was wrong. The probe's last count is the place, from 1, of the first item out of the order
    Linear, activation: here 1; 0 for the contract's order and for the layout keeping activations in `f`."""
    beside = ("from mytorch.nn.linear import Linear\nfrom mytorch.nn.activation import ReLU\n\n\n"
              "class MLP0:\n    def __init__(self, order):\n"
              "        self.layers = [ReLU(), Linear(2, 3)] if order == 'wrong' else [Linear(2, 3), ReLU()]\n")
    counts = _probe_counts(tmp_path, beside, {"wrong": ("wrong",), "right": ("right",)})
    np.testing.assert_array_equal(counts["wrong"], [1, 1, 0, 0, 0, 0, 1, 1])
    np.testing.assert_array_equal(counts["right"], [1, 1, 0, 0, 0, 0, 0, 1])


def test_a_layer_class_with_slots_gets_the_stand_ins_too(tmp_path):
    """Objects of a class with __slots__ take no new attribute: the stand-ins go on a subclass of their own
    (a correct submission with __slots__ on every class lost all 20 MLP points)."""
    beside = ("class Lin:\n    __slots__ = ('W', 'b')\n    def __init__(self):\n        self.W, self.b = 0, 0\n"
              "    def forward(self, A):\n        return A\n\n\n"
              "class MLP0:\n    __slots__ = ('layers',)\n    def __init__(self, debug=False):\n        self.layers = [Lin()]\n"
              "    def forward(self, A):\n        return self.layers[0].forward(A)\n")
    P, Q = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), np.ones((3, 2))
    A0 = np.array([[1.0, -2.0]])
    s = Script()
    mlp = s.new(MLP0)
    s.probe(mlp, [(P, Q)], [(2.0, -2.0)], label="probed")
    s.call(mlp, "forward", A0, label="out")
    (result,) = _run(_submission(tmp_path, beside), s)
    assert result.error is None, result.error
    np.testing.assert_array_equal(result.values["out"], A0 @ P)


def test_a_layer_that_keeps_its_own_forward_is_refused_a_stand_in(tmp_path):
    beside = ("class Stubborn:\n    W = 0\n    def __getattribute__(self, name):\n"
              "        return print if name in ('forward', 'backward') else object.__getattribute__(self, name)\n\n\n"
              "class MLP0:\n    def __init__(self, debug=False):\n        self.layers = [Stubborn()]\n")
    s = Script()
    mlp = s.new(MLP0)
    s.probe(mlp, [(np.ones((2, 3)), np.ones((3, 2)))], [(2.0, -2.0)], label="probed")
    (result,) = _run(_submission(tmp_path, beside), s)
    assert result.error is not None and result.error.op == 1 and "keeps its own .forward" in result.error.msg


def test_an_attribute_read_is_not_an_input_of_the_failing_call():
    """A constructor test reads the layer's own weights: the case's `weights` field, never passed, is not listed
    under "failing input" (it showed values the test never used, unlike those it reported)."""
    from types import SimpleNamespace

    case = SimpleNamespace(weights=np.ones((1, 3)), inputs=np.zeros((2, 1)))
    s = Script(case=case)
    layer = s.new("nnfs_layers.dense.LayerDense", 1, 3)
    s.get(layer, "weights", label="weights")
    assert s.inputs() == []
    s.call(layer, "forward", case.inputs + 1.0, label="out", shown=("inputs + 1",))
    assert s.inputs() == ["inputs"]



def test_restore_sets_an_attribute_again_to_a_copy_of_itself_and_nothing_where_there_is_none(tmp_path):
    """`Script.restore`: the object then holds another array with the same numbers, set as state is (also where the
    object refuses it); an attribute it does not have stays absent, and the case goes on."""
    (tmp_path / "mytorch").mkdir()
    (tmp_path / "mytorch" / "__init__.py").write_text("")
    (tmp_path / "mytorch" / "thing.py").write_text(
        "import numpy as np\n\n\nclass Thing:\n    def __init__(self):\n        self.V = np.arange(3.0)\n"
        "        self._mine = self.V\n\n    def same(self):\n        return np.array(float(self.V is self._mine))\n\n"
        "    @property\n    def N(self):\n        return 7\n")
    s = Script()
    thing = s.new("mytorch.thing.Thing")
    for name in ("V", "N", "missing"):
        s.restore(thing, name)
    s.call(thing, "same", label="same")
    for name in ("V", "N", "missing"):
        s.get(thing, name, label=name)
    (result,) = _run(tmp_path, s)
    assert result.error is None, result.error
    assert float(result.values["same"]) == 0.0  # (another array)
    np.testing.assert_array_equal(result.values["V"], np.arange(3.0))
    assert int(result.values["N"]) == 7  # (a read-only property: set all the same, to what it held)
    assert isinstance(result.values["missing"], Bad)
