"""numpy-nn's official-only tests: graded with the reference in official mode, never shipped in the
handout (whose local run says how many there are and what they are worth).

Larger layers, batches and classes than the public tests, with up to three leading batch dimensions,
so an implementation tuned to the public fixtures cannot pass them by accident. A value whose public
test failed is not compared again here: that mistake is charged once.
"""
from autograder.assignments.numpy_nn import activations, dense, losses
from autograder.assignments.numpy_nn.cases import (large_activation_cases, large_ce_cases, large_dense_cases,
                                                   large_mse_cases)
from autograder.assignments.numpy_nn.common import needs_pair
from autograder.checks.base import check
from autograder.compare import expect

HIDDEN = "after_published"


@check("Dense.backward: large layers and batches, up to three leading dimensions", points=3,
       cases=large_dense_cases, visibility=HIDDEN,
       owners=dense.owned({"dx": (dense.DX, dense.LEADING, dense.NO_BIAS),
                           "dW": (dense.DW, dense.LEADING, dense.NO_BIAS), "db": (dense.DB, dense.LEADING)}))
def dense_large(case, ref):
    s, pair, _ = dense._backward_script(case)
    out = yield s
    at = dense.given_at(out, pair)
    _, dx, dW, db = dense._expected(ref, case)
    expect("dx", out[at + "dx"], dx)
    expect("dW", dense._gradient(out, case, "W", at), dW)
    if case.bias:
        expect("db", dense._gradient(out, case, "b", at), db)


def _activation(path, values, y_test, dx_test):
    @check(f"{activations.cls_of(path)}.backward: large batches, up to three leading dimensions", points=1,
           cases=large_activation_cases, visibility=HIDDEN, owners={"y": y_test, "dx": dx_test})
    def large(case, ref):
        s, pair, _ = activations._backward_script(path, case)
        out = yield s
        y, dx = values(ref, case)
        expect("y", activations.returned(out, pair, f"{activations.cls_of(path)}.forward"), y)
        needs_pair(out, pair, f"{activations.cls_of(path)}.forward")
        expect("dx", out["dx"], dx)

    return large


relu_large = _activation(activations.RELU, activations._relu, activations.RELU_Y, activations.RELU_DX)
sigmoid_large = _activation(activations.SIGMOID, activations._sigmoid, activations.SIG_Y, activations.SIG_DX)
tanh_large = _activation(activations.TANH, activations._tanh, activations.TANH_Y, activations.TANH_DX)


@check("MSE.backward: large batches", points=1, cases=large_mse_cases, visibility=HIDDEN,
       owners={"loss": losses.MSE_L, "grad": losses.MSE_GRAD})
def mse_large(case, ref):
    s, pair, _, _ = losses._mse_script(case)
    out = yield s
    L, grad = losses._mse(ref, case)
    expect("loss", losses._loss(out, pair, "MSE"), L, scalar=True)
    needs_pair(out, pair, "MSE.forward")
    expect("dL/dy_pred", out["grad"], grad)


@check("CrossEntropy.backward: large batches and many classes", points=2, cases=large_ce_cases, visibility=HIDDEN,
       owners={"loss": losses.CE_L, "grad": losses.CE_GRAD})
def ce_large(case, ref):
    s, pair, _, _ = losses._ce_script(case)
    out = yield s
    L, grad = losses._ce(ref, case)
    expect("loss", losses._loss(out, pair, "CrossEntropy"), L, scalar=True)
    needs_pair(out, pair, "CrossEntropy.forward")
    expect("dL/dy_pred", out["grad"], grad)
