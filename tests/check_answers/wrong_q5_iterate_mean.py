"""Q5 mistake: iterates written with the gradient of the mean loss, (alpha / N) X^T (Xw - y)."""


def closed_form_iterate(X, y, w0, alpha, k):
    w = w0
    for _ in range(k):
        w = w - alpha / X.shape[0] * X.T @ (X @ w - y)
    return w
