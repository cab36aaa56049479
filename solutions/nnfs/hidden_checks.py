"""Official-only tests of the nnfs assignment: graded with the reference in official mode, never shipped in the
handout (14 points: 1 for each forward graded on large inputs, 2 for each backward).

A student's local run says how many of these exist and what they are worth; their inputs, code and expected
values stay here. They use larger layers, batches and numbers of classes than the public tests, so code tuned
to the public fixtures cannot pass them by accident. A value whose public test failed is not compared again
here: that mistake is charged once.
"""
import numpy as np

from autograder.assignments.nnfs import activations, dense, losses
from autograder.assignments.nnfs.cases import (NnfsActivationCase, NnfsCombinedCase, NnfsDenseCase, NnfsLossCase,
                                               NnfsSoftmaxCase, float32_exact, labels, logits, softmax)
from autograder.assignments.nnfs.common import leave_out_kind_crash
from autograder.checks.base import check
from autograder.compare import expect

HIDDEN = "after_published"


def large_dense_cases(rng):
    cases = []
    for _ in range(6):
        n, n_in, n_out, n0 = (int(rng.integers(lo, hi)) for lo, hi in ((32, 65), (16, 49), (8, 33), (1, 9)))
        cases.append(NnfsDenseCase(weights=rng.standard_normal((n_in, n_out)), biases=rng.standard_normal((1, n_out)),
                                   inputs=rng.standard_normal((n, n_in)), dvalues=rng.standard_normal((n, n_out)),
                                   inputs0=rng.standard_normal((n0, n_in)), dvalues0=rng.standard_normal((n0, n_out))))
    return cases


@check("LayerDense.forward: large layers and batches", points=1, cases=large_dense_cases, visibility=HIDDEN,
       owners={"output": dense.OUTPUT})
def dense_forward_large(case, ref):
    out = yield dense._forward_script(case)
    expect("self.output", out["output"], dense._expected_forward(ref, case))


@check("LayerDense.backward: large layers and batches", points=2, cases=large_dense_cases, visibility=HIDDEN,
       owners=dense.BACKWARD_OWNERS)
def dense_backward_large(case, ref):
    out = yield dense._backward_script(case)
    for label, want in zip(("dinputs", "dweights", "dbiases"), dense._expected_backward(ref, case)):
        expect(f"self.{label}", out[label], want)


def large_relu_cases(rng):
    """Batches of 32 to 64 rows of 16 to 48 features, no input exactly 0 (the derivative at 0 has a test of its own)."""
    cases = []
    for _ in range(4):
        n, c = int(rng.integers(32, 65)), int(rng.integers(16, 49))
        inputs = rng.standard_normal((n, c)) * 3
        inputs[inputs == 0] = 1.0
        cases.append(NnfsActivationCase(inputs=inputs, dvalues=rng.standard_normal((n, c)),
                                        inputs0=rng.standard_normal((2, c))))
    return cases


@check("ActivationReLU.backward: large batches", points=2, cases=large_relu_cases, visibility=HIDDEN,
       owners={"dinputs": activations.RELU_DINPUTS})
def relu_large(case, ref):
    out = yield activations._relu_backward(case)
    expect("self.dinputs", out["dinputs"], activations._relu(ref, case)[1])


def large_softmax_cases(rng):
    cases = []
    for _ in range(6):
        n, c, n0 = int(rng.integers(32, 65)), int(rng.integers(10, 41)), int(rng.integers(1, 9))
        cases.append(NnfsSoftmaxCase(inputs=float32_exact(np.clip(rng.standard_normal((n, c)) * 3, -8, 8)),
                                     dvalues=rng.standard_normal((n, c)),
                                     inputs0=float32_exact(rng.standard_normal((n0, c))),
                                     shift=np.full((1, 1), 1000.0)))
    return cases


@check("ActivationSoftMax.forward: large batches and many classes", points=1, cases=large_softmax_cases,
       visibility=HIDDEN, owners={"output": activations.SM_OUTPUT})
def softmax_forward_large(case, ref):
    out = yield activations._softmax_forward(case)
    expect("self.output", out["output"], activations._softmax(ref, case)[0])


@check("ActivationSoftMax.backward: large batches and many classes", points=2, cases=large_softmax_cases,
       visibility=HIDDEN, owners={"dinputs": activations.SM_DINPUTS})
def softmax_backward_large(case, ref):
    out = yield activations._softmax_backward(case)
    expect("self.dinputs", out["dinputs"], activations._softmax(ref, case)[1])


def large_loss_cases(rng):
    """Batches of 32 to 64 over 10 to 40 classes, both kinds of target; every probability 4e-4 or more."""
    cases = []
    for i in range(6):
        n, c = int(rng.integers(32, 65)), int(rng.integers(10, 41))
        cases.append(NnfsLossCase(predict=softmax(logits(rng, (n, c))), target=labels(rng, n, c, i % 2 == 0)))
    return cases


@check("LossCrossEntropy.forward: large batches and many classes", points=1, cases=large_loss_cases,
       visibility=HIDDEN, owners={"losses": (losses.FORWARD_SPARSE, losses.FORWARD_ONEHOT)})
def loss_forward_large(case, ref):
    out = yield losses._forward_script(case)
    leave_out_kind_crash(out, "losses")  # (what the public tests of that kind of target charge)
    expect("losses", out["losses"], losses._expected_forward(ref, case))


@check("LossCrossEntropy.backward: large batches and many classes", points=2, cases=large_loss_cases,
       visibility=HIDDEN, owners={"dinputs": (losses.BACKWARD_SPARSE, losses.BACKWARD_ONEHOT)})
def loss_backward_large(case, ref):
    out = yield losses._backward_script(case)
    leave_out_kind_crash(out, "ret")
    expect("self.dinputs", out["dinputs"], losses._expected_backward(ref, case))


def large_combined_cases(rng):
    cases = []
    for i in range(6):
        n, c = int(rng.integers(32, 65)), int(rng.integers(10, 41))
        cases.append(NnfsCombinedCase(inputs=logits(rng, (n, c)), target=labels(rng, n, c, i % 2 == 0),
                                      shift=np.full((1, 1), 1000.0)))
    return cases


@check("ActivationLoss.forward: large batches and many classes", points=1, cases=large_combined_cases,
       visibility=HIDDEN, owners={"loss": (losses.AL_SPARSE, losses.AL_ONEHOT)})
def combined_forward_large(case, ref):
    losses.judge_combined((yield losses._combined_forward(case)), case, ref)


@check("ActivationLoss.backward: large batches and many classes", points=2, cases=large_combined_cases,
       visibility=HIDDEN, owners={"dinputs": (losses.AL_BACKWARD_SPARSE, losses.AL_BACKWARD_ONEHOT)})
def combined_backward_large(case, ref):
    out = yield losses._combined_backward(case)
    leave_out_kind_crash(out, "ret")
    expect("self.dinputs", out["dinputs"], losses._expected_combined_backward(ref, case))
