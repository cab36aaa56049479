"""Official-only tests: graded with the reference in official mode, never shipped in the handout.

A student's local run says how many of these exist and what they are worth; their inputs, code and
expected values stay here. They use larger layers and batches than the public tests, so an
implementation tuned to the public fixtures cannot pass them by accident. A value whose public test
failed is not compared again here: that mistake is charged once.
"""
import numpy as np

from autograder.cases import (ActivationCase, LinearCase, LossCase, MSECase, SoftmaxCase, batchnorm_cases,
                              bounded_gradients, float32_exact, logits, mlp_case, one_hot, sgd_case)
from autograder.checks import batchnorm_backward, elementwise, gelu, linear, loss, mlp, mse, sgd, softmax
from autograder.checks.base import NEAR, after_forward, check
from autograder.compare import VALUES, expect

HIDDEN = "after_published"


def large_linear_cases(rng):
    cases = []
    for _ in range(6):
        n, c_in, c_out, n0 = (int(rng.integers(lo, hi)) for lo, hi in ((32, 65), (16, 49), (8, 33), (1, 9)))
        cases.append(LinearCase(W=rng.standard_normal((c_out, c_in)), b=rng.standard_normal((c_out, 1)),
                                A=rng.standard_normal((n, c_in)), dLdZ=rng.standard_normal((n, c_out)),
                                A0=rng.standard_normal((n0, c_in)), dLdZ0=rng.standard_normal((n0, c_out))))
    return cases


def large_loss_cases(rng):
    cases = []
    for _ in range(6):
        n, c = int(rng.integers(32, 65)), int(rng.integers(10, 41))
        cases.append(LossCase(A=logits(rng, (n, c)), Y=one_hot(rng.integers(0, c, size=n), c),
                              A0=logits(rng, (n, c)), Y0=one_hot(rng.integers(0, c, size=n), c),
                              shift=rng.integers(500, 5001, size=(n, 1)).astype(float)))
    return cases


@check("Linear.backward: large layers and batches", points=1, cases=large_linear_cases, visibility=HIDDEN,
       owners=linear.BACKWARD_OWNERS)
def linear_large(case, ref):
    out = yield linear._backward_script(case)
    with linear.or_own_state(out, case, ref):  # (right with what its own forward stored: "stores A and N" charges that)
        for label, want in zip(("dLdA", "dLdW", "dLdb"), linear._expected_backward(ref, case)):
            expect(label, out[label], want)


@check("CrossEntropyLoss.backward: large batches and many classes", points=1, cases=large_loss_cases,
       visibility=HIDDEN, owners={"L": loss.LOSS, "dLdA": loss.DLDA})
def loss_large(case, ref):
    out = yield loss._script(case)
    L, dLdA = loss._expected(ref, case)
    expect("loss", out["L"], L, scalar=True)
    after_forward(lambda: expect("dLdA", out["dLdA"], dLdA), out, loss.FORWARD_LOSSES, L, loss.LOSS, near=NEAR,
                  got=out.result.values.get("dLdA"), value=dLdA)


# ------------------------------------------------------------ smooth activations


def large_smooth_cases(rng):
    """Batches of 32 to 64 rows of 16 to 48 features, |Z| mostly within 10, dLdA within +-3."""
    cases = []
    for _ in range(4):
        n, c = int(rng.integers(32, 65)), int(rng.integers(16, 49))
        cases.append(ActivationCase(Z=rng.standard_normal((n, c)) * 3, dLdA=bounded_gradients(rng, (n, c)),
                                    Z0=rng.standard_normal((2, c))))
    return cases


def _large(script, want) -> None:
    """forward's A and backward's dLdZ on one large input (backward given the self.A the contract names)."""
    A, dLdZ = want
    expect("A", script["A"], A)
    expect("dLdZ", script["dLdZ"], dLdZ)


@check("Identity.backward: large batches", points=0.25, cases=large_smooth_cases, visibility=HIDDEN,
       owners={"A": elementwise.ID_A, "dLdZ": elementwise.ID_DLDZ})
def identity_large(case, ref):
    _large((yield elementwise._identity_backward(case)), elementwise._identity(ref, case))


@check("Sigmoid.backward: large batches", points=1, cases=large_smooth_cases, visibility=HIDDEN,
       owners={"A": elementwise.SIG_A, "dLdZ": elementwise.SIG_DLDZ})
def sigmoid_large(case, ref):
    _large((yield elementwise._sigmoid_backward(case)), elementwise._sigmoid(ref, case))


@check("Tanh.backward: large batches", points=0.75, cases=large_smooth_cases, visibility=HIDDEN,
       owners={"A": elementwise.TANH_A, "dLdZ": elementwise.TANH_DLDZ})
def tanh_large(case, ref):
    _large((yield elementwise._tanh_backward(case)), elementwise._tanh(ref, case))


@check("GELU.backward: large batches", points=1, cases=large_smooth_cases, visibility=HIDDEN,
       owners={"A": gelu.GELU_A, "dLdZ": gelu.GELU_DLDZ})
def gelu_large(case, ref):
    """(dLdZ as GELU's public test judges it: left to forward's test where forward's A is wrong, `after_forward`)"""
    out = yield gelu._backward(case)
    A, dLdZ = gelu._gelu(ref, case)
    expect("A", out["A"], A)
    gelu.after_forward_a(lambda: expect("dLdZ", out["dLdZ"], dLdZ), out, A, case)
# ------------------------------------------------------------------ BatchNorm1d


def large_batchnorm_cases(rng):
    shapes = [(int(rng.integers(32, 65)), int(rng.integers(8, 33))) for _ in range(6)]
    return batchnorm_cases(rng, shapes)


@check("BatchNorm1d.backward: large batches and many features", points=1, cases=large_batchnorm_cases,
       visibility=HIDDEN, owners=batchnorm_backward.BACKWARD_OWNERS)
def batchnorm_large(case, ref):
    out = yield batchnorm_backward._script(case)
    dLdZ, dLdBW, dLdBb = batchnorm_backward._expected(ref, case)
    tol = batchnorm_backward.sum_tolerance(case)
    with batchnorm_backward.or_own_state(out, case, ref):
        expect("dLdZ", out["dLdZ"], dLdZ, batchnorm_backward.dldz_tolerance(case))
        expect("dLdBW", batchnorm_backward.row(out, "dLdBW", case), dLdBW, tol)
        expect("dLdBb", batchnorm_backward.row(out, "dLdBb", case), dLdBb, tol)
# ---------------------------------------------------------------- Softmax and MSELoss


def large_softmax_cases(rng):
    cases = []
    for _ in range(6):
        n, c, n0 = int(rng.integers(32, 65)), int(rng.integers(10, 41)), int(rng.integers(1, 9))
        cases.append(SoftmaxCase(Z=float32_exact(np.clip(rng.standard_normal((n, c)) * 3, -8, 8)),
                                 dLdA=rng.standard_normal((n, c)), Z0=float32_exact(rng.standard_normal((n0, c))),
                                 shift=np.full((1, 1), 1000.0)))
    return cases


def large_mse_cases(rng):
    cases = []
    for _ in range(6):
        n, c, n0 = int(rng.integers(32, 65)), int(rng.integers(8, 33)), int(rng.integers(1, 9))
        cases.append(MSECase(A=rng.standard_normal((n, c)), Y=rng.standard_normal((n, c)),
                             A0=rng.standard_normal((n0, c)), Y0=rng.standard_normal((n0, c))))
    return cases


@check("Softmax.backward: large batches and many classes", points=1, cases=large_softmax_cases, visibility=HIDDEN,
       owners={"dLdZ": softmax.DLDZ})
def softmax_large(case, ref):
    out = yield softmax._backward_script(case)
    expect("dLdZ", out["dLdZ"], softmax._expected_backward(ref, case))


@check("MSELoss.backward: large batches and many features", points=1, cases=large_mse_cases, visibility=HIDDEN,
       owners={"L": mse.LOSS, "dLdA": mse.DLDA})
def mse_large(case, ref):
    """As CrossEntropyLoss's: the loss is read first, so a forward that raises on large batches alone leaves this
    test waiting for it, not excused (helper-208: a backward wrong on large batches only passed behind it, 100)."""
    out = yield mse._script(case)
    L, dLdA = mse._expected(ref, case)
    expect("loss", out["L"], L, scalar=True)
    after_forward(lambda: expect("dLdA", out["dLdA"], dLdA), out, {"L": VALUES}, L, got=out.result.values.get("dLdA"),
                  value=dLdA)
# ------------------------------------------------------------ SGD and the MLPs


def large_sgd_cases(rng):
    """Layers of up to 40 x 48 (the same shape twice, then two shapes), five steps."""
    shapes = [((32, 48), (32, 48)), ((24, 16), (8, 24)), ((40, 20), (10, 40))]
    return [sgd_case(rng, pair, steps=LARGE_SGD_STEPS) for pair in shapes]


LARGE_SGD_STEPS = 5


@check("SGD.step: large layers and five steps", points=1, cases=large_sgd_cases, visibility=HIDDEN,
       owners={f"{run}.{p}{i}@{t}": owner for (run, p), owner in sgd.OWNERS.items()
               for t in range(LARGE_SGD_STEPS) for i in (1, 2)})
def sgd_large(case, ref):
    out = yield sgd.script(case)
    sgd.judge(out, case, "plain", sgd.expected_plain(ref, case), hints=False)
    sgd.judge(out, case, "momentum", sgd.expected_momentum(ref, case), hints=False)


def large_mlp_cases(widths):
    def cases(rng):
        return [mlp_case(rng, widths, int(n)) for n in rng.integers(32, 65, size=2)]

    cases.__name__ = cases.__qualname__ = "large_mlp_cases_" + "_".join(map(str, widths))
    return cases


def _large_mlp(cls):
    tests = mlp.names(cls)
    owners = {"dLdA0": tests["dLdA0"]}
    owners.update({f"dLdZ{i} given": tests["params"] for i in range(1, len(mlp.WIDTHS[cls]))})

    def body(case, ref):
        yield from mlp.backward(cls, case, ref, hints=False)

    return check(f"{cls}.backward: large batches", points=1, cases=large_mlp_cases(mlp.WIDTHS[cls]),
                 visibility=HIDDEN, owners=owners)(body)


mlp0_large, mlp1_large, mlp4_large = (_large_mlp(cls) for cls in ("MLP0", "MLP1", "MLP4"))
