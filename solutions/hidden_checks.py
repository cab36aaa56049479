"""Official-only tests: graded with the reference in official mode, never shipped in the handout.

A student's local run says how many of these exist and what they are worth; their inputs, code and
expected values stay here. They use larger layers and batches than the public tests, so an
implementation tuned to the public fixtures cannot pass them by accident. A value whose public test
failed is not compared again here: that mistake is charged once.
"""
from autograder.cases import LinearCase, LossCase, logits, one_hot
from autograder.checks import linear, loss
from autograder.checks.base import check
from autograder.compare import expect

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


@check("Linear.backward: large layers and batches", points=4, cases=large_linear_cases, visibility=HIDDEN,
       owners=linear.BACKWARD_OWNERS)
def linear_large(case, ref):
    out = yield linear._backward_script(case)
    for label, want in zip(("dLdA", "dLdW", "dLdb"), linear._expected_backward(ref, case)):
        expect(label, out[label], want)


@check("CrossEntropyLoss.backward: large batches and many classes", points=3, cases=large_loss_cases,
       visibility=HIDDEN, owners={"L": loss.LOSS, "dLdA": loss.DLDA})
def loss_large(case, ref):
    out = yield loss._script(case)
    L, dLdA = loss._expected(ref, case)
    expect("loss", out["L"], L, scalar=True)
    expect("dLdA", out["dLdA"], dLdA)


# ------------------------------------------------------------ SGD and the MLPs

from autograder.cases import mlp_case, sgd_case  # noqa: E402
from autograder.checks import mlp, sgd  # noqa: E402


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
    owners.update({f"{g}{i}": tests["params"] for i in range(1, len(mlp.WIDTHS[cls])) for g in ("dLdW", "dLdb")})

    def body(case, ref):
        yield from mlp.backward(cls, case, ref, hints=False)

    return check(f"{cls}.backward: large batches", points=1, cases=large_mlp_cases(mlp.WIDTHS[cls]),
                 visibility=HIDDEN, owners=owners)(body)


mlp0_large, mlp1_large, mlp4_large = (_large_mlp(cls) for cls in ("MLP0", "MLP1", "MLP4"))
